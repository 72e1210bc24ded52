// Training throughput of our engine for one run config: steps per second on the
// config's (generated) dataset, one thread, no evaluation, after a warm-up; the best
// of several timing windows, as the GEMM peak is measured (on a shared machine the
// best window is the one where the process had the core to itself).
//
// flopsPerStep = 6 * MACs(forward, one example) * batchSize: 2 FLOPs per multiply-add
// forward and 4 backward (input and weight gradients), as usually counted. It
// ignores the first layer's skipped input gradient, activations, loss and optimizer.
import { featureMajorData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import type { FeatureMajorData } from '../src/data/types.js';
import { parseRunConfig } from '../src/train/config.js';
import { Engine } from '../src/train/engine.js';
import { trainerForConfig } from '../src/train/run.js';
import type { Trainer, TrainerOptions } from '../src/train/trainer.js';
import type { RunConfig } from '../src/train/types.js';

const datasets = new Map<string, Promise<FeatureMajorData>>();
let engine: Promise<Engine> | undefined;

/** Steps per call: enough to make the JS side negligible, few enough to stop on time. */
const CHUNK = 50;
/** Length of one timing window (seconds). */
const WINDOW_S = 0.1;

/**
 * `prepare` may set up the trainer (e.g. a mask) before the timing starts; `kernels`
 * picks kernel variants (as trainerForConfig).
 */
export async function measureEngineSteps(
  config: Partial<RunConfig>,
  seconds: number,
  prepare?: (trainer: Trainer) => void,
  kernels: Pick<TrainerOptions, 'winograd'> = {},
): Promise<{ stepsPerS: number; flopsPerStep: number }> {
  const run = parseRunConfig(config);
  const key = JSON.stringify(run.dataset);
  if (!datasets.has(key)) datasets.set(key, makeDataset(run.dataset).then((ds) => featureMajorData(ds)));
  const data = await datasets.get(key)!;
  engine ??= Engine.create();
  const trainer = trainerForConfig(await engine, run, data.features, kernels);
  try {
    trainer.setData(data);
    prepare?.(trainer);
    const rate = (budget: number) => {
      const start = performance.now();
      let steps = 0;
      let elapsed = 0;
      do {
        steps += trainer.trainSteps(CHUNK).steps;
        elapsed = (performance.now() - start) / 1e3;
      } while (elapsed < budget);
      return steps / elapsed;
    };
    rate(Math.max(0.1, seconds / 4)); // warm-up (V8 tiers the wasm up)
    const windows = Math.max(1, Math.round(seconds / WINDOW_S));
    let stepsPerS = 0;
    for (let w = 0; w < windows; w++) stepsPerS = Math.max(stepsPerS, rate(seconds / windows));
    return { stepsPerS, flopsPerStep: 6 * trainer.model.macsPerExample * run.batchSize };
  } finally {
    trainer.dispose();
  }
}

// Training throughput of a TF.js model: steps per second at batch 100 on a
// fixed random batch, after a warm-up, for a fixed time budget.
import * as tf from '@tensorflow/tfjs';
import { useTfBackend, type TfBackendName } from './backend.js';
import { buildTfModel, type TfBatch, type TfModel, type TfModelConfig } from './models.js';

export const BENCH_BATCH = 100;
const SEED = 1;

export interface TfSpeed {
  stepsPerS: number;
  steps: number; // timed steps
  paramCount: number;
}

/** x ~ N(0, 1) of shape (rows, 40) from `seed`; labels i mod 10, one-hot. */
export function randomBatch(rows: number, seed: number): TfBatch {
  return tf.tidy(() => ({
    x: tf.randomNormal([rows, 40], 0, 1, 'float32', seed) as tf.Tensor2D,
    y: tf.oneHot(tf.tensor1d(Int32Array.from({ length: rows }, (_, i) => i % 10), 'int32'), 10) as tf.Tensor2D,
  }));
}

/** Steps until both `seconds` have passed and `minSteps` were taken; returns steps and elapsed seconds. */
function runFor(model: TfModel, batch: TfBatch, seconds: number, minSteps: number): { steps: number; elapsed: number } {
  const start = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps < minSteps || elapsed < seconds) {
    model.step(batch);
    steps++;
    elapsed = (performance.now() - start) / 1e3;
  }
  return { steps, elapsed };
}

/**
 * Measures `config` on `backend`: a warm-up of a third of the budget but at
 * least 0.3 s and 2 steps (TF.js's JavaScript must be compiled by V8 first),
 * then `seconds` timed (at least 3 steps).
 */
export async function measureTfSteps(config: TfModelConfig, backend: TfBackendName, seconds: number): Promise<TfSpeed> {
  await useTfBackend(backend);
  const model = buildTfModel(config, SEED);
  const batch = randomBatch(BENCH_BATCH, SEED);
  try {
    runFor(model, batch, Math.max(0.3, seconds / 3), 2);
    const { steps, elapsed } = runFor(model, batch, seconds, 3);
    const loss = model.loss(batch);
    if (!Number.isFinite(loss)) throw new Error(`TF.js ${config.model} on ${backend} diverged: loss ${loss}`);
    return { stepsPerS: steps / elapsed, steps, paramCount: model.paramCount };
  } finally {
    model.dispose();
    tf.dispose([batch.x, batch.y]);
  }
}

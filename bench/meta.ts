// Meta-gradients on one core (src/meta, assembly/meta.ts): one run of the
// metalearn-lr study's outer loop (50 outer x 200 inner SGD steps, MLP 40-50-10,
// batch 50, forward mode), and one outer step of the metalearn-activation study (301
// inner notebook-RMSprop steps of an MLP 40-128-10 with the learned activation, batch
// 100, on its 8000 training rows with its noise, and the reverse-mode meta-gradient of
// the last 200 losses with respect to g's 301 parameters), with the engine's memory
// afterwards; beside it the inner loop alone (no derivative), with the learned
// activation and with elu, in inner steps per second: their difference is the learned
// activation's cost. Best of several runs.
import { parseDatasetArgs } from '../src/data/args.js';
import { featureMajorData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import { firstInnerProblem } from '../src/experiments/metalearn-activation-task.js';
import { metalearnActivation } from '../src/experiments/metalearn-activation.js';
import { metalearnLrKind } from '../src/experiments/metalearn-lr-task.js';
import { metalearnLr } from '../src/experiments/metalearn-lr.js';
import { MetaSession } from '../src/meta/meta-gradient.js';
import { NoiseStream } from '../src/meta/noise.js';
import { Engine } from '../src/train/engine.js';
import { measureGemmPeak } from './gemm-peak.js';
import type { BenchOptions, BenchTable } from './table.js';

const TARGET_LR_RUN_S = 0.25;
const TARGET_ACTIVATION_STEP_S = 1;
const TARGET_MEMORY_MB = 256;

/** Seconds of the fastest of `reps` calls (after one warm-up call). */
async function best(reps: number, fn: () => unknown): Promise<number> {
  await fn();
  let fastest = Infinity;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    fastest = Math.min(fastest, (performance.now() - start) / 1e3);
  }
  return fastest;
}

/** The activation study's first inner problem (its defaults: PyTorch's init, its noise stream), with the learned activation or elu. */
function activationProblem(activation: 'learned' | 'elu') {
  const d = metalearnActivation.defaults;
  return firstInnerProblem(d, 40, new NoiseStream(d.noiseSeed, d.noise).next(d.innerSteps, d.hidden, d.activationHidden), activation);
}

/** Multiply-adds x 2 of the dense layers in one gradient pass (forward and backward) of a batch. */
function denseFlops(problem: ReturnType<typeof activationProblem>): number {
  const [inputs, hidden, classes] = problem.model.sizes;
  return 6 * problem.batchSize * (inputs * hidden + hidden * classes);
}

export async function metaSection({ quick }: BenchOptions): Promise<BenchTable> {
  const reps = quick ? 1 : 5;
  const data = featureMajorData(await makeDataset());
  const engine = await Engine.create();
  const gemm = await measureGemmPeak(quick ? 0.3 : 1);

  const d = metalearnLr.defaults;
  const lrConfig = { initialLr: 1.5, innerSteps: d.innerSteps, outerSteps: d.outerSteps, outerLr: d.outerLr, batchSize: d.batchSize, hidden: d.hidden, seed: d.seed };
  const lrRun = await best(reps, () => metalearnLrKind.run(engine, [data], lrConfig, () => {}));
  console.error(`meta: metalearn-lr run ${lrRun.toFixed(3)} s`);

  const activationData = featureMajorData(await makeDataset(parseDatasetArgs(metalearnActivation.defaults.dataset, 'dataset')));
  const elu = activationProblem('elu');
  const eluSession = await MetaSession.create(elu, { engine, data: activationData });
  const eluLoop = await best(reps, () => eluSession.train());
  eluSession.dispose();
  const problem = activationProblem('learned');
  const session = await MetaSession.create(problem, { engine, data: activationData });
  const learnedLoop = await best(reps, () => session.train());
  const activationStep = await best(reps, () => session.gradient());
  const memoryMB = engine.wasm.memory.buffer.byteLength / 2 ** 20;
  session.dispose();
  const K = problem.steps;
  const eluGflops = (denseFlops(elu) * K) / eluLoop / 1e9;
  console.error(`meta: activation outer step ${activationStep.toFixed(3)} s, engine memory ${memoryMB.toFixed(0)} MiB; inner loop ${(K / learnedLoop).toFixed(0)} steps/s (elu ${(K / eluLoop).toFixed(0)})`);

  const verdict = (ok: boolean) => (ok ? 'pass' : 'miss');
  return {
    title: 'Meta-gradients through unrolled training (one core)',
    columns: ['case', 'time (s)', 'target (s)', 'engine memory (MiB)', 'target met'],
    rows: [
      [`metalearn-lr run: ${lrConfig.outerSteps} outer x ${lrConfig.innerSteps} inner SGD steps, MLP 40-${lrConfig.hidden}-10, batch ${lrConfig.batchSize}`, lrRun, TARGET_LR_RUN_S, '—', verdict(lrRun <= TARGET_LR_RUN_S)],
      [
        'metalearn-activation outer step: 301 inner RMSprop steps + d/dθ (301 values), MLP 40-128-10, batch 100',
        activationStep,
        TARGET_ACTIVATION_STEP_S,
        memoryMB,
        verdict(activationStep <= TARGET_ACTIVATION_STEP_S && memoryMB <= TARGET_MEMORY_MB),
      ],
      [`its inner loop alone (no derivative): ${(K / learnedLoop).toFixed(0)} steps/s`, learnedLoop, '—', '—', '—'],
      [`the same inner loop with elu: ${(K / eluLoop).toFixed(0)} steps/s, dense layers at ${eluGflops.toFixed(1)} GFLOP/s`, eluLoop, '—', '—', '—'],
    ],
    notes: [
      `Best of ${reps} runs after a warm-up. Engine memory: the wasm instance's whole memory after the step (dataset copy, stored trajectory and activation cache included); target ${TARGET_MEMORY_MB} MiB.`,
      `GEMM micro-kernel peak in the same run: ${gemm.toFixed(1)} GFLOP/s (a loaded core shows here first).`,
    ],
  };
}

// Meta-gradients on one core (src/meta, assembly/meta.ts): one run of the
// metalearn-lr study's outer loop (50 outer x 200 inner SGD steps, MLP 40-50-10,
// batch 50, forward mode), and one outer step of the activation study (301 inner
// notebook-RMSprop steps of an MLP 40-128-10 with the learned activation, batch 100,
// with noise, and the reverse-mode meta-gradient of the last 200 losses with respect
// to g's 301 parameters), with the engine's memory afterwards. Best of several runs.
import { featureMajorData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import { metalearnLrKind } from '../src/experiments/metalearn-lr-task.js';
import { metalearnLr } from '../src/experiments/metalearn-lr.js';
import { MetaSession } from '../src/meta/meta-gradient.js';
import { torchLinearInit } from '../src/meta/torch-init.js';
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

/** The activation study's inner problem: PyTorch's init (seeds 0 and 1), the notebook's noise drawn from a fixed stream. */
function activationProblem(steps: number, lastLosses: number) {
  let s = 7;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 0.2 - 0.1;
  return {
    dataset: 'default',
    rows: 'sequential',
    batchSize: 100,
    steps,
    metaLoss: { lastLosses },
    model: { sizes: [40, 128, 10], activation: 'learned' },
    optimizer: { name: 'rmsprop-notebook', lr: 0.01, alpha: 0.4, eps: 1e-8, squareAvgInit: 1 },
    activation: { base: 'elu', scale: 0.2, sizes: [1, 100, 1], hidden: 'tanh', params: Array.from(torchLinearInit(1, [1, 100, 1])) },
    noise: {
      inner: Array.from({ length: steps }, () => Array.from({ length: 128 }, noise)),
      activation: Array.from({ length: steps }, () => Array.from({ length: 100 }, noise)),
    },
    initialParams: Array.from(torchLinearInit(0, [40, 128, 10])),
  };
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

  const session = await MetaSession.create(activationProblem(301, 200), { engine, data });
  const activationStep = await best(reps, () => session.gradient());
  const memoryMB = engine.wasm.memory.buffer.byteLength / 2 ** 20;
  session.dispose();
  console.error(`meta: activation outer step ${activationStep.toFixed(3)} s, engine memory ${memoryMB.toFixed(0)} MiB`);

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
    ],
    notes: [
      `Best of ${reps} runs after a warm-up. Engine memory: the wasm instance's whole memory after the step (dataset copy, stored trajectory and activation cache included); target ${TARGET_MEMORY_MB} MiB.`,
      `GEMM micro-kernel peak in the same run: ${gemm.toFixed(1)} GFLOP/s (a loaded core shows here first).`,
    ],
  };
}

// Meta-gradients (src/meta, assembly/meta.ts) against the PyTorch anchors of
// ../shared/anchors/ANCHORS.md (PyTorch is not installed here, so not run side by side):
// one run of the metalearn-lr study's outer loop (50 outer x 200 inner SGD steps, MLP
// 40-50-10, batch 50, forward mode) and one outer step of the metalearn-activation study
// (301 inner notebook-RMSprop steps of an MLP 40-128-10 with the learned activation,
// batch 100, on its 8000 training rows with its noise, and the reverse-mode
// meta-gradient of the last 200 losses with respect to g's 301 parameters), on one core;
// the whole metalearn-activation study (the CLI in a child process, 2 workers) with its
// peak resident memory; and where an outer step's time goes: the inner loop alone (no
// derivative) with the learned activation and with elu, in inner steps per second.
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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureGemmPeak } from './gemm-peak.js';
import type { BenchOptions, BenchTable } from './table.js';

const TARGET_LR_RUN_S = 0.25;
const TARGET_ACTIVATION_STEP_S = 1;
const TARGET_STUDY_S = 600;
const TARGET_MEMORY_MB = 256;
// ANCHORS.md, PyTorch 1.13 on one thread: a metalearn-lr run 3.6-4.6 s; one outer step of
// the activation notebook 37.8 s quiet (51 s busy) at 9.3 GB resident; the whole notebook
// about 2 650 s with 24 GB at peak.
const PYTORCH_LR_RUN_S = [3.6, 4.6];
const PYTORCH_ACTIVATION_STEP_S = [37.8, 51];
const PYTORCH_STUDY_S = 2650;

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

/**
 * The whole metalearn-activation study through the CLI in a child process (2 workers):
 * its wall time and the process's peak resident memory (workers are threads of it).
 */
function wholeStudy(quick: boolean): { seconds: number; peakMB: number } {
  const out = mkdtempSync(join(tmpdir(), 'mnist1d-bench-meta-'));
  const script = new URL('./cli-peak-memory.js', import.meta.url);
  const args = ['run', 'metalearn-activation', '--workers', '2', '--out', out, ...(quick ? ['--quick'] : [])];
  try {
    const child = spawnSync(process.execPath, [script.pathname, ...args], { encoding: 'utf8' });
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { code?: number; seconds: number; maxRSS: number };
    if (child.status !== 0 || result.code !== 0) throw new Error(`the study failed: ${child.stderr.slice(-500)}`);
    return { seconds: result.seconds, peakMB: (result.maxRSS * 1024) / 1e6 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** "a-b x" or "a x": how many times faster ours is than the PyTorch time range. */
function ratio(ours: number, pytorch: number | number[]): string {
  const [lo, hi] = Array.isArray(pytorch) ? pytorch : [pytorch, pytorch];
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
  return lo === hi ? `${fmt(lo / ours)}x` : `${fmt(lo / ours)}-${fmt(hi / ours)}x`;
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
  const study = wholeStudy(quick);
  console.error(`meta: whole metalearn-activation study ${study.seconds.toFixed(1)} s, peak ${study.peakMB.toFixed(0)} MB resident`);

  const verdict = (ok: boolean) => (ok ? 'pass' : 'miss');
  const range = (r: number[]) => `${r[0]}-${r[1]}`;
  return {
    title: 'Meta-gradients through unrolled training',
    columns: ['case', 'ours (s)', 'PyTorch (s)', 'ours vs PyTorch', 'target (s)', 'memory', 'target met'],
    rows: [
      [
        `metalearn-lr run, one core: ${lrConfig.outerSteps} outer x ${lrConfig.innerSteps} inner SGD steps, MLP 40-${lrConfig.hidden}-10, batch ${lrConfig.batchSize}`,
        lrRun, range(PYTORCH_LR_RUN_S), ratio(lrRun, PYTORCH_LR_RUN_S), TARGET_LR_RUN_S, '—', verdict(lrRun <= TARGET_LR_RUN_S),
      ],
      [
        'metalearn-activation outer step, one core: 301 inner RMSprop steps + d/dθ (301 values), MLP 40-128-10, batch 100',
        activationStep, range(PYTORCH_ACTIVATION_STEP_S), ratio(activationStep, PYTORCH_ACTIVATION_STEP_S), TARGET_ACTIVATION_STEP_S,
        `${memoryMB.toFixed(0)} MiB engine (PyTorch 9.3 GB)`, verdict(activationStep <= TARGET_ACTIVATION_STEP_S),
      ],
      [
        `whole metalearn-activation study${quick ? ' (--quick)' : ''}: 301 outer steps + 7 baselines, 2 workers`,
        study.seconds, PYTORCH_STUDY_S, quick ? '—' : ratio(study.seconds, PYTORCH_STUDY_S), TARGET_STUDY_S,
        `${study.peakMB.toFixed(0)} MB peak resident (PyTorch 24 GB; target ${TARGET_MEMORY_MB} MB)`,
        verdict(study.seconds <= TARGET_STUDY_S && study.peakMB <= TARGET_MEMORY_MB),
      ],
      [`its inner loop alone (no derivative): ${(K / learnedLoop).toFixed(0)} steps/s`, learnedLoop, '—', '—', '—', '—', '—'],
      [`the same inner loop with elu: ${(K / eluLoop).toFixed(0)} steps/s, dense layers at ${eluGflops.toFixed(1)} GFLOP/s`, eluLoop, '—', '—', '—', '—', '—'],
    ],
    notes: [
      `Best of ${reps} runs after a warm-up (the whole study: one run). PyTorch: 1.13 on one thread, recorded in ../shared/anchors/ANCHORS.md on this machine kind (PyTorch is not installed here, so not measured side by side).`,
      `Engine memory: the wasm instance's whole memory after the outer step (dataset copy, stored trajectory and the activation's table included). Peak resident: the CLI process with its two worker threads.`,
      `GEMM micro-kernel peak in the same run: ${gemm.toFixed(1)} GFLOP/s (a loaded core shows here first). The metalearn-lr run does 650k multiply-adds of GEMM per inner step (gradient and Hessian-vector product), 13 GFLOP per run: ${((13e9 / lrRun) / 1e9).toFixed(1)} GFLOP/s all told.`,
    ],
  };
}

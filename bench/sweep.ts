// Sweep scaling: wall time of one fixed sweep (runs of the paper CNN, 1500 steps
// each, no intermediate evaluation) with 1, 2, 4, ... N workers, and the parallel
// efficiency T1 / (n * Tn). N = os.availableParallelism(), or MNIST1D_BENCH_MAX_WORKERS
// (e.g. 16 on a bigger machine). The sweep has 8 runs per 8 workers of N, so every
// worker count divides the work evenly. Each timing includes starting the workers
// and generating the dataset once, as a user's sweep does.
import { availableParallelism } from 'node:os';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { RunRecord } from '../src/train/types.js';
import type { BenchOptions, BenchTable } from './table.js';

const TARGET_EFFICIENCY_AT_2 = 0.9;

export interface SweepBenchOptions extends BenchOptions {
  /** Largest worker count measured; default MNIST1D_BENCH_MAX_WORKERS or the machine's parallelism. */
  maxWorkers?: number;
}

export async function sweepSection(options: SweepBenchOptions = { quick: false }): Promise<BenchTable> {
  const maxWorkers = options.maxWorkers ?? (Number(process.env.MNIST1D_BENCH_MAX_WORKERS) || availableParallelism());
  const steps = options.quick ? 300 : 1500;
  const runs = 8 * Math.ceil(maxWorkers / 8);
  const configs = Array.from({ length: runs }, (_, i) => ({ model: 'cnn', steps, evalEvery: 0, seed: i + 1 }));
  const counts = [...new Set([...powersOfTwoUpTo(maxWorkers), maxWorkers])];

  const rows: (string | number)[][] = [];
  let t1 = 0;
  let cpu1 = 0;
  let reference: string | undefined;
  let identical = true;
  for (const n of counts) {
    const start = performance.now();
    const cpuStart = process.cpuUsage(); // the whole process: every worker thread included
    const { records } = await runSweep<RunRecord>(configs, { kinds: taskKinds, workers: n });
    const seconds = (performance.now() - start) / 1e3;
    const usage = process.cpuUsage(cpuStart);
    const cpuSeconds = (usage.user + usage.system) / 1e6;
    if (n === 1) [t1, cpu1] = [seconds, cpuSeconds];
    const metrics = JSON.stringify(records.map(({ wall_s, steps_per_s, ...rest }) => rest));
    identical &&= (reference ??= metrics) === metrics;
    const efficiency = t1 / (n * seconds);
    rows.push([
      String(n),
      seconds,
      (runs * steps) / seconds,
      t1 / seconds,
      `${(efficiency * 100).toFixed(0)} %`,
      cpuSeconds / seconds,
      `${((cpu1 / cpuSeconds) * 100).toFixed(0)} %`,
      n === 2 ? (efficiency >= TARGET_EFFICIENCY_AT_2 ? 'pass' : 'miss') : '',
    ]);
  }
  return {
    title: `Sweep scaling: ${runs} paper-CNN runs x ${steps} steps`,
    columns: ['workers', 'wall s', 'steps/s (all workers)', 'speed-up', 'parallel efficiency', 'cores used', 'work efficiency', `target >= ${TARGET_EFFICIENCY_AT_2 * 100} % at 2`],
    rows,
    notes: [
      `Parallel efficiency = T1 / (n * Tn); worker start-up and dataset generation included. ${availableParallelism()} cores available.`,
      'Cores used = the process CPU time (all worker threads) / wall time: well under n means other processes had the cores (a shared machine).',
      'Work efficiency = CPU time with 1 worker / CPU time with n: the work the pool adds (start-up, messages, data), whatever the machine load.',
      `Records identical (timings aside) for every worker count: ${identical ? 'yes' : 'NO'}.`,
    ],
  };
}

function powersOfTwoUpTo(n: number): number[] {
  const counts: number[] = [];
  for (let k = 1; k <= n; k *= 2) counts.push(k);
  return counts;
}

// `mnist1d sweep --grid FILE.json [--workers N] [--out DIR] [--resume]`: runs a grid
// of training runs on a worker pool, appending one record per run to
// DIR/results.jsonl. Ctrl-C stops the workers and leaves that file consistent.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { taskKinds } from '../experiments/task-kinds.js';
import { ConfigError } from '../schema.js';
import { expandGrid, MAX_GRID_RUNS, MAX_GRID_RUNS_LIMIT } from '../sweep/grid.js';
import { describeTask } from '../sweep/normalize.js';
import { recordKind } from '../sweep/task-kind.js';
import { RESULTS_FILE } from '../sweep/results-store.js';
import { runSweep } from '../sweep/sweep.js';
import { engineKernelSizes } from '../train/memory.js';
import type { TaskRecord } from '../sweep/task.js';
import { EXIT_CODES_HELP, RunsFailedError, UsageError } from './errors.js';
import { runWithDisplay, summarize } from './progress-display.js';
import { BATCH_OPTION, QUEUE_OPTION, withQueue, type QueueFlags } from './queue-option.js';

const GRID_HELP = `
Grid file (JSON), one of:
  {"base": {...}, "axes": {"field": [v1, v2, ...], ...}}
      every combination of the axes' values (the first axis varies slowest),
      each over the base run config;
  {"base": {...}, "runs": [{...}, ...]}
      an explicit list of run configs, each over the (optional) base.
A run config uses the camelCase names of the train flags: model, hidden,
channels, pool, optimizer, lr, momentum, weightDecay, batchSize, steps, epochs,
batchOrder, evalEvery, seed, shuffleSeq, and nests dataset args under
"dataset" (e.g. {"dataset": {"numSamples": 16000, "labelNoise": 0.15}}).
An axis may name a dataset arg as "dataset.<arg>". Every run is validated
before any work starts. A grid has at most \${MAX_GRID_RUNS} runs unless it sets
"maxRuns" (at most \${MAX_GRID_RUNS_LIMIT}), e.g. {"maxRuns": 200000, "axes": ...}.

Example:
  {"base": {"model": "mlp", "steps": 2000, "dataset": {"numSamples": 4000}},
   "axes": {"hidden": [25, 50, 100], "seed": [1, 2]}}

Each finished run is appended to DIR/results.jsonl as one JSON line with a
stable "key" (a hash of its fully-defaulted config). A sweep refuses a DIR that
already has results.jsonl unless --resume, which skips the runs recorded there
(also after Ctrl-C or a kill). Diverged and failed runs are recorded with
their reason; a run whose worker died is retried once.
`;

interface SweepFlags extends QueueFlags {
  grid: string;
  workers?: string;
  out?: string;
  resume?: boolean;
  retryFailed?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a grid of training runs in parallel workers, appending records to DIR/results.jsonl')
    .requiredOption('--grid <file>', 'the grid file (JSON; format below)')
    .option('--workers <n>', WORKERS_HELP)
    .option('--out <dir>', 'output folder (default: results/<grid file name>)')
    .option('--resume', 'continue the sweep in --out: skip runs already in its results.jsonl')
    .option('--retry-failed', 'with --resume: run again the runs recorded as failed (their records are replaced)')
    .option(...QUEUE_OPTION)
    .option(...BATCH_OPTION)
    .addHelpText('after', GRID_HELP + EXIT_CODES_HELP)
    .action((flags: SweepFlags) => sweepCommand(flags));
}

async function sweepCommand(flags: SweepFlags): Promise<void> {
  if (flags.retryFailed && !flags.resume) throw new UsageError('--retry-failed applies to --resume: give both');
  const configs = expandGrid(readGrid(flags.grid), {
    onProgress: (done, total) => console.error(`validating the grid: ${done} of ${total} runs`),
    kernels: await engineKernelSizes(),
  });
  const workers = flags.workers === undefined ? undefined : parseWorkers(flags.workers);
  const outDir = flags.out ?? join('results', basename(flags.grid, extname(flags.grid)));
  const resultsPath = join(outDir, RESULTS_FILE);
  const result = await runWithDisplay({ title: 'sweep', resultsPath }, (hooks) =>
    withQueue(flags, workers, (executor) => runSweep<TaskRecord>(configs, { kinds: taskKinds, workers, outDir, resume: flags.resume, retryFailed: flags.retryFailed, executor, ...hooks })),
  );
  for (const record of result.records) {
    console.log(`${record.key}  ${summarize(record)} ${describeTask({ kind: recordKind(taskKinds, record), config: record.config }, taskKinds)}`);
  }
  console.log(`${configs.length} runs (${result.skipped} skipped as already done), ${result.failed} failed; records in ${resultsPath}`);
  if (result.failed) throw new RunsFailedError(`${result.failed} of ${configs.length} runs failed (their records say why); run them again with --resume --retry-failed`);
}

function readGrid(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`--grid ${file}: no such file`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`--grid ${file} is not valid JSON: ${(error as Error).message}`, '--grid');
  }
}

/** What --help says of --workers. */
export const WORKERS_HELP = 'number of workers, at most the number of cores (more are capped, with a warning; default: the number of cores, at most one per run)';

/**
 * The --workers flag: an integer >= 1, capped at the machine's cores: runs are
 * CPU-bound, so more workers than cores only add memory (an engine and a copy of
 * the data each).
 */
export function parseWorkers(text: string, cores = availableParallelism()): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1)) throw new ConfigError(`--workers must be an integer >= 1, got ${JSON.stringify(text)}`, '--workers');
  if (n <= cores) return n;
  console.error(`mnist1d: --workers ${n} is more than the ${cores} cores of this machine: using ${cores} (more workers would only add memory)`);
  return cores;
}

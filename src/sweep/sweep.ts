// runSweep: validates every run up front, skips runs already in results.jsonl
// (resume), keeps `concurrency` runs in flight on an Executor (a worker pool by
// default), retries once a run whose worker died, records failures and appends
// each finished record as one line. Records depend only on their configs, never
// on worker count or completion order; they come back in input order.
import { ConfigError } from '../schema.js';
import { engineKernelSizes } from '../train/memory.js';
import type { RunRecord } from '../train/types.js';
import type { SweepEvent, SweepEventListener } from './events.js';
import type { Executor } from './executor.js';
import { describeTask, normalizeTasks } from './normalize.js';
import type { ResultsStore, StoredRecord } from './results-store.js';
import type { TaskKinds } from './task-kind.js';
import { abortError, describeError, TaskError, type PreparedTask, type TaskRecord } from './task.js';

export interface SweepOptions {
  /** Workers of the default pool; default: the machine's parallelism, at most one per pending run. */
  workers?: number;
  /** Node: append records to <outDir>/results.jsonl (refused when it exists, unless `resume`). */
  outDir?: string;
  /** Skip runs whose key is already in <outDir>/results.jsonl. */
  resume?: boolean;
  /** With resume: run again the runs recorded as failed (their records are replaced). */
  retryFailed?: boolean;
  /** Stops the sweep: workers are terminated, finished records stay, runSweep rejects with code 'ABORTED'. */
  signal?: AbortSignal;
  onEvent?: SweepEventListener;
  /** Where runs execute; default a worker pool, closed at the end (a given executor is left open). */
  executor?: Executor;
  /** The task kinds of the default worker pool (an executor brings its own). */
  kinds?: TaskKinds;
}

export interface SweepResult<R = RunRecord> {
  /** One record per input entry, in input order (stored ones for skipped runs). */
  records: R[];
  /** Runs found in results.jsonl and not run again. */
  skipped: number;
  /** Records with status 'failed' (stored ones included). */
  failed: number;
}

const PROGRESS_EVENT_INTERVAL_MS = 250;
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Runs run configs (or tasks `{kind, config, datasets}`); see SweepOptions. */
export async function runSweep<R = RunRecord>(input: readonly unknown[], options: SweepOptions = {}): Promise<SweepResult<R>> {
  const kinds = options.executor?.kinds ?? options.kinds;
  if (!kinds) throw new TypeError('runSweep needs an executor or the task kinds of its default worker pool (options.kinds)');
  const tasks = normalizeTasks(input, kinds, await engineKernelSizes());
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
    throw new ConfigError(`workers must be an integer >= 1, got ${options.workers}`, 'workers');
  }
  if (options.retryFailed && !options.resume) throw new ConfigError('retryFailed applies when resuming: set resume too', 'retryFailed');
  const store = options.outDir === undefined ? undefined : await openStore(options.outDir, options.resume ?? false, options.retryFailed ?? false);
  const records: (TaskRecord | undefined)[] = tasks.map((task) => store?.get(task.key));
  const pending = tasks.flatMap((task, index) => (records[index] ? [] : [index]));
  const skipped = tasks.length - pending.length;
  const emit: SweepEventListener = options.onEvent ?? (() => {});
  const started = Date.now();
  const elapsedS = () => (Date.now() - started) / 1000;
  let done = 0;
  let failed = 0; // this time
  let executor: Executor | undefined;
  try {
    executor = pending.length && !options.signal?.aborted ? (options.executor ?? (await defaultExecutor(kinds, options.workers, pending.length))) : undefined;
  } catch (error) {
    store?.close(); // a pool that cannot start must not leave the folder locked
    throw error;
  }
  // Stops every lane on cancellation or on the first error (e.g. a failed append):
  // no run may be recorded as failed because the sweep itself stopped.
  const stop = new AbortController();
  const cancel = () => stop.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) cancel();
  const signal = stop.signal;
  let laneError: { error: unknown } | undefined;
  emit({ type: 'sweep-start', total: tasks.length, pending: pending.length, skipped, concurrency: executor?.concurrency ?? 0 });
  try {
    if (executor) {
      const costs = taskCosts(pending.map((index) => tasks[index]), kinds);
      const weight = new Map(pending.map((index, i) => [index, costs[i]]));
      const progress = new ProgressTracker(costs.reduce((a, b) => a + b, 0), pending.length, emit, elapsedS);
      let next = 0;
      const lane = async (laneIndex: number) => {
        while (next < pending.length && !signal.aborted) {
          const index = pending[next++];
          const record = await runTask(executor, tasks[index], { lane: laneIndex, index, emit, progress, signal, weight: weight.get(index)! });
          if (!record) return; // cancelled
          store?.append(record);
          records[index] = record;
          done++;
          if (record.status === 'failed') failed++;
          progress.finished(laneIndex, weight.get(index)!, done, failed); // the 'progress' event comes first: displays count from it
          emit({ type: 'run-end', lane: laneIndex, index, key: record.key, label: describeTask(tasks[index], kinds), record });
        }
      };
      const lanes = Array.from({ length: Math.min(executor.concurrency, pending.length) }, (_, i) =>
        lane(i).catch((error: unknown) => {
          laneError ??= { error };
          cancel();
        }),
      );
      await Promise.all(lanes);
    }
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    store?.close();
    if (executor && !options.executor) await executor.close();
    emit({ type: 'sweep-end', done, failed, skipped, elapsedS: elapsedS(), cancelled: signal.aborted });
  }
  if (laneError) throw laneError.error;
  if (signal.aborted) throw abortError();
  return { records: records as R[], skipped, failed: records.filter((r) => r?.status === 'failed').length };
}

interface RunContext {
  lane: number;
  index: number;
  emit: SweepEventListener;
  progress: ProgressTracker;
  /** The task's share of the sweep's work (its cost). */
  weight: number;
  signal: AbortSignal;
}

/** One run, retried once when its worker died; undefined when the sweep was cancelled. */
async function runTask(executor: Executor, task: PreparedTask, context: RunContext): Promise<StoredRecord | undefined> {
  const { lane, index, emit, progress, signal, weight } = context;
  const { kinds } = executor;
  const label = describeTask(task, kinds);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    emit({ type: 'run-start', lane, index, key: task.key, label, attempt });
    progress.started(lane, weight);
    let running = true; // progress may arrive after the run settled (another channel)
    try {
      const record = await executor.run(
        task,
        (p) => {
          if (!running) return;
          emit({ type: 'run-progress', lane, index, key: task.key, progress: p });
          progress.update(lane, p.totalSteps ? p.step / p.totalSteps : 0);
        },
        signal,
      );
      return keyed(task, record, kinds);
    } catch (thrown) {
      if (signal.aborted) return undefined;
      const { code, message } = describeError(thrown);
      const error = thrown instanceof TaskError ? thrown : new TaskError(code, message);
      if (error.workerDied && attempt === 1) {
        emit({ type: 'run-retry', lane, index, key: task.key, label, reason: `${error.code}: ${error.message}` });
        continue;
      }
      const failed = kinds.kinds[task.kind].failedRecord(task.config, `${error.code}: ${error.message}`, (Date.now() - started) / 1000);
      return keyed(task, failed, kinds);
    } finally {
      running = false;
    }
  }
}

/** The record with the task's key first (and its kind, for kinds other than the plain one). */
function keyed(task: PreparedTask, record: TaskRecord, kinds: TaskKinds): StoredRecord {
  return Object.assign({ key: task.key }, task.kind === kinds.plain ? {} : { kind: task.kind }, record, { key: task.key });
}

/** Each task's cost (TaskKind.cost); 1 each when a task's kind has none (units could not be compared). */
export function taskCosts(tasks: readonly PreparedTask[], kinds: TaskKinds): number[] {
  const costs = tasks.map((task) => kinds.kinds[task.kind].cost?.(task.config));
  return costs.every((cost) => cost !== undefined && cost > 0) ? (costs as number[]) : tasks.map(() => 1);
}

/** Done/total and an ETA from the fraction of the work done: tasks weighed by their cost, those in flight by their steps. */
class ProgressTracker {
  /** Per lane: the weight of its task and the fraction of it done. */
  private readonly inFlight = new Map<number, { weight: number; fraction: number }>();
  private lastEmit = 0;
  private doneWork = 0;
  private done = 0;
  private failed = 0;

  constructor(
    private readonly totalWork: number,
    private readonly total: number,
    private readonly emit: (event: SweepEvent) => void,
    private readonly elapsedS: () => number,
  ) {}

  started(lane: number, weight: number): void {
    this.inFlight.set(lane, { weight, fraction: 0 });
  }

  update(lane: number, fraction: number): void {
    const run = this.inFlight.get(lane);
    if (run) run.fraction = fraction;
    if (Date.now() - this.lastEmit >= PROGRESS_EVENT_INTERVAL_MS) this.report();
  }

  finished(lane: number, weight: number, done: number, failed: number): void {
    this.inFlight.delete(lane);
    this.doneWork += weight;
    this.done = done;
    this.failed = failed;
    this.report();
  }

  private report(): void {
    this.lastEmit = Date.now();
    let work = this.doneWork;
    for (const run of this.inFlight.values()) work += run.weight * run.fraction;
    const fraction = work / this.totalWork;
    const elapsedS = this.elapsedS();
    const etaS = fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : null;
    this.emit({ type: 'progress', done: this.done, failed: this.failed, total: this.total, elapsedS, etaS });
  }
}

async function openStore(outDir: string, resume: boolean, retryFailed: boolean): Promise<ResultsStore> {
  if (!isNode) throw new ConfigError('outDir needs Node: in a browser, keep the returned records instead', 'outDir');
  const module = './results-store.js'; // not a literal: keeps node:fs out of browser bundles
  const { ResultsStore } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ module)) as typeof import('./results-store.js');
  return ResultsStore.open(outDir, { resume, retryFailed });
}

async function defaultExecutor(kinds: TaskKinds, workers: number | undefined, pending: number): Promise<Executor> {
  if (isNode) {
    const module = './node-pool.js';
    const { createNodePool, defaultWorkerCount } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ module)) as typeof import('./node-pool.js');
    return createNodePool({ kinds, size: Math.min(workers ?? defaultWorkerCount(), pending) });
  }
  const { createBrowserPool, defaultWorkerCount } = await import('./browser-pool.js');
  return createBrowserPool({ kinds, size: Math.min(workers ?? defaultWorkerCount(), pending) });
}

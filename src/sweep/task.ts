// What a sweep runs: a task is a kind (registered in the executor's TaskKinds), its
// config and the args of the datasets it needs. A task travels as plain JSON
// (WireTask); the executor decides how its datasets reach the worker: generated
// there, or made once on the main thread and shared (SharedDataset).
import type { DatasetArgs, FeatureMajorData } from '../data/types.js';
import type { RunProgress, RunStatus } from '../train/types.js';

/** A job as the caller describes it (a kind may take its datasets from its config instead). */
export interface SweepTask {
  kind: string;
  config: unknown;
  datasets: DatasetArgs[];
}

/** A validated task as JSON: all a worker needs to run it. `config` is parsed, `datasets` fully defaulted. */
export interface WireTask {
  kind: string;
  config: unknown;
  datasets: DatasetArgs[];
}

/** A validated task with its key: what an Executor runs. */
export interface PreparedTask extends WireTask {
  key: string;
}

/** A dataset made for workers; `key` is the hash of its canonical args (datasetKey). */
export interface SharedDataset {
  key: string;
  args: DatasetArgs;
  data: FeatureMajorData;
}

/**
 * The plain JSON a task yields: a RunRecord for runs; other kinds have their own
 * fields. The sweep adds `key` (and `kind` when it is not the plain kind).
 */
export interface TaskRecord {
  key?: string;
  kind?: string;
  config: unknown;
  status: RunStatus;
  reason?: string;
  [field: string]: unknown;
}

export type ProgressListener = (progress: RunProgress) => void;

/** Codes of the failures the pool itself detects; a dead worker's run is retried once. */
export const WORKER_DEATH_CODES = ['WORKER_EXIT', 'WORKER_ERROR', 'WORKER_OUT_OF_MEMORY', 'WORKER_MESSAGE_ERROR'] as const;

/**
 * A failed task or worker. Errors lose their class when they cross Comlink, so the
 * `code` travels as data: 'ABORTED' (cancelled), 'POOL_CLOSED', 'WORKER_INIT' (a
 * worker could not start), a WORKER_DEATH_CODES entry, or the code of the error the
 * task threw (e.g. 'WASM_ABORT', 'CONFIG_ERROR'; 'TASK_ERROR' when it had none).
 */
export class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }

  /** True when the worker running the task died (the task itself may be fine). */
  get workerDied(): boolean {
    return (WORKER_DEATH_CODES as readonly string[]).includes(this.code);
  }
}

/** The error an aborted signal turns into. */
export function abortError(): TaskError {
  return new TaskError('ABORTED', 'the sweep was cancelled');
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/** The `{code, message}` of any thrown value (the form that crosses Comlink). */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: error.message };
    // e.g. a wasm trap: "RuntimeError: unreachable"
    return { code: 'TASK_ERROR', message: error.name === 'Error' ? error.message : `${error.name}: ${error.message}` };
  }
  return { code: 'TASK_ERROR', message: String(error) };
}

// What a sweep runs: a task is a kind (a registered job, 'train' by default), its
// config and the datasets it needs. The main thread generates each distinct dataset
// once and hands workers TrainingData, keyed so a worker receives each one once.
import type { DatasetArgs, TrainingData } from '../data/types.js';
import type { RunProgress, RunStatus } from '../train/types.js';

/** A job as the caller describes it. For 'train', `datasets` is derived from `config.dataset`. */
export interface SweepTask {
  kind: string;
  config: unknown;
  datasets: DatasetArgs[];
}

/** A dataset ready for workers; `key` is the hash of its canonical args. */
export interface SharedDataset {
  key: string;
  args: DatasetArgs;
  data: TrainingData;
}

/** A validated task with its key and its datasets generated: what an Executor runs. */
export interface PreparedTask {
  key: string;
  kind: string;
  config: unknown;
  datasets: SharedDataset[];
}

/**
 * The plain JSON a task yields: a RunRecord for 'train'; other kinds add their own
 * fields. The sweep adds `key` (and `kind` when it is not 'train').
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

/** The record of a task that did not finish (the fields of a RunRecord, with nothing measured). */
export function failedRecord(config: unknown, error: TaskError, wallSeconds: number): TaskRecord {
  return {
    config,
    status: 'failed',
    reason: `${error.code}: ${error.message}`,
    train_loss: null,
    train_acc: null,
    test_loss: null,
    test_acc: null,
    steps: 0,
    wall_s: wallSeconds,
    steps_per_s: 0,
    history: [],
  };
}

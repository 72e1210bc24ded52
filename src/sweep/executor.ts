// The seam between what runs and where it runs. The worker pool (pool.ts) and the
// in-process executor (in-process.ts) implement it; a distributed queue can later,
// sending each task as its JSON (a WireTask) to workers built with the same kinds.
import type { TaskKinds } from './task-kind.js';
import type { PreparedTask, ProgressListener, TaskRecord } from './task.js';

export interface Executor {
  /** How many tasks it runs at once; a sweep keeps this many in flight. */
  readonly concurrency: number;
  /** The kinds it runs: a sweep validates and keys its tasks with them. */
  readonly kinds: TaskKinds;
  /**
   * Runs one task; how the task's datasets reach the worker is the executor's choice.
   * Rejects with a TaskError: 'ABORTED' when `signal` fires, a worker death code (see
   * TaskError.workerDied) when the worker died, or the task's own code.
   */
  run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord>;
  /** Stops every worker; pending runs reject. Idempotent. */
  close(): Promise<void>;
}

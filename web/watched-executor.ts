// An Executor that forwards to a worker pool and notes how each dataset reaches the
// workers: one SharedArrayBuffer read by all (cross-origin-isolated page) or a
// transferred copy per worker. The page shows it; the browser test asserts it.
import type { Executor } from '../src/sweep/executor.js';
import type { WorkerPool } from '../src/sweep/pool.js';
import type { TaskKinds } from '../src/sweep/task-kind.js';
import type { PreparedTask, ProgressListener, TaskRecord } from '../src/sweep/task.js';

export interface DatasetDelivery {
  key: string;
  /** True when the float32 arrays live in a SharedArrayBuffer (posted, not copied). */
  shared: boolean;
  /** Bytes of x, y, xTest and yTest together. */
  bytes: number;
}

export class WatchedExecutor implements Executor {
  readonly concurrency: number;
  readonly kinds: TaskKinds;
  readonly datasets = new Map<string, DatasetDelivery>();

  constructor(private readonly inner: WorkerPool) {
    this.concurrency = inner.concurrency;
    this.kinds = inner.kinds;
  }

  async run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord> {
    for (const args of task.datasets) {
      const { key, data } = await this.inner.datasets.get(args); // the pool's own copy, made once
      const arrays = [data.x, data.y, data.xTest, data.yTest];
      this.datasets.set(key, {
        key,
        shared: typeof SharedArrayBuffer !== 'undefined' && arrays.every((a) => a.buffer instanceof SharedArrayBuffer),
        bytes: arrays.reduce((sum, a) => sum + a.byteLength, 0),
      });
    }
    return this.inner.run(task, onProgress, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

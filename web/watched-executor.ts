// An Executor that forwards to another and notes how each dataset reaches the
// workers: one SharedArrayBuffer read by all (cross-origin-isolated page) or a
// transferred copy per worker. The page shows it; the browser test asserts it.
import type { Executor } from '../src/sweep/executor.js';
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
  readonly datasets = new Map<string, DatasetDelivery>();

  constructor(private readonly inner: Executor) {
    this.concurrency = inner.concurrency;
  }

  run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord> {
    for (const { key, data } of task.datasets) {
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

// An Executor that runs tasks one at a time on the calling thread, through the same
// worker code (worker-api.ts) the workers use, from their JSON alone: the worker code
// makes each dataset itself. For tests, debugging and profiling. A run cannot be
// interrupted inside wasm, so an abort takes effect at the run's next progress report.
import { compileWasm } from '../engine/wasm.js';
import type { Executor } from './executor.js';
import type { TaskKinds } from './task-kind.js';
import { abortError, TaskError, throwIfAborted, type PreparedTask, type ProgressListener, type TaskRecord } from './task.js';
import { createWorkerApi, type WorkerApi } from './worker-api.js';

export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  private api?: Promise<WorkerApi>;

  constructor(readonly kinds: TaskKinds) {}

  async run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord> {
    throwIfAborted(signal);
    const api = await (this.api ??= this.start());
    const reply = await api.run({ kind: task.kind, config: task.config, datasets: task.datasets }, [], (progress) => {
      if (signal?.aborted) throw abortError(); // unwinds the run, which reports 'ABORTED'
      onProgress?.(progress);
    });
    if (!reply.ok) throw new TaskError(reply.error.code, reply.error.message);
    return reply.record;
  }

  async close(): Promise<void> {
    this.api = undefined;
  }

  private async start(): Promise<WorkerApi> {
    const api = createWorkerApi(this.kinds);
    await api.init(await compileWasm('engine'), Object.keys(this.kinds.kinds));
    return api;
  }
}

// The browser side of the worker pool: module Web Workers running
// workers/browser-trainer (bundlers follow the literal URL below). The URL names the
// compiled .js, which the package ships as dist/workers/browser-trainer.js; in this
// repository's sources only the .ts exists and Vite resolves the .js to it.
// A dead Web Worker is noticed through its 'error' and 'messageerror' events.
import { compileWasm } from '../engine/wasm.js';
import { WorkerPool, type WorkerFactory, type WorkerHandle } from './pool.js';
import { TaskError } from './task.js';
import type { TaskKinds } from './task-kind.js';

export interface BrowserPoolOptions {
  /** The kinds the workers run; the worker entry (workers/browser-trainer.ts) must be built with each of them. */
  kinds: TaskKinds;
  /** Number of workers; default navigator.hardwareConcurrency. */
  size?: number;
}

export function defaultWorkerCount(): number {
  return navigator.hardwareConcurrency || 1;
}

export async function createBrowserPool(options: BrowserPoolOptions): Promise<WorkerPool> {
  return new WorkerPool({
    ...options,
    size: options.size ?? defaultWorkerCount(),
    factory: browserWorkerFactory,
    module: await compileWasm('engine'),
  });
}

export const browserWorkerFactory: WorkerFactory = (): WorkerHandle => {
  const worker = new Worker(new URL('../../workers/browser-trainer.js', import.meta.url), { type: 'module' });
  return {
    endpoint: worker,
    onDeath(listener) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(new TaskError('WORKER_ERROR', `the worker crashed: ${event.message || 'an uncaught error'}`));
      });
      worker.addEventListener('messageerror', () => listener(new TaskError('WORKER_MESSAGE_ERROR', 'a message from the worker could not be read')));
    },
    terminate: () => worker.terminate(),
  };
};

// The Node side of the worker pool: worker_threads running dist/workers/node-trainer.js
// (Node 20 cannot start .ts workers, so tests and the CLI need `npm run build` first).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { packagePath } from '../engine/node-files.js';
import { compileWasm } from '../engine/wasm.js';
import { WorkerPool, type WorkerFactory, type WorkerHandle } from './pool.js';
import { TaskError } from './task.js';
import type { TaskKinds } from './task-kind.js';

const WORKER_FILE = 'dist/workers/node-trainer.js';

export interface NodePoolOptions {
  /** The kinds the workers run; the worker entry (workers/node-trainer.ts) must be built with each of them. */
  kinds: TaskKinds;
  /** Number of workers; default os.availableParallelism(). */
  size?: number;
  /** Caps each worker's JS heap; a worker over it dies with WORKER_OUT_OF_MEMORY. */
  resourceLimits?: ResourceLimits;
}

export function defaultWorkerCount(): number {
  return availableParallelism();
}

export async function createNodePool(options: NodePoolOptions): Promise<WorkerPool> {
  return new WorkerPool({
    ...options,
    size: options.size ?? defaultWorkerCount(),
    factory: nodeWorkerFactory(options.resourceLimits),
    module: await compileWasm('engine'),
  });
}

export function nodeWorkerFactory(resourceLimits?: ResourceLimits): WorkerFactory {
  const file = packagePath(WORKER_FILE);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` to compile the workers`);
  return (): WorkerHandle => {
    const worker = new Worker(file, { resourceLimits });
    return {
      endpoint: nodeEndpoint(worker),
      onDeath(listener) {
        worker.on('error', (error: Error & { code?: string }) =>
          listener(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new TaskError('WORKER_OUT_OF_MEMORY', `the worker ran out of memory: ${error.message}`)
              : new TaskError('WORKER_ERROR', `the worker crashed: ${error.message}`),
          ),
        );
        worker.on('messageerror', (error) => listener(new TaskError('WORKER_MESSAGE_ERROR', `a message from the worker could not be read: ${error.message}`)));
        worker.on('exit', (code) => listener(new TaskError('WORKER_EXIT', `the worker exited with code ${code}`)));
      },
      terminate: () => void worker.terminate(),
    };
  };
}

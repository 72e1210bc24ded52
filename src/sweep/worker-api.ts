// The API a sweep worker exposes through Comlink (workers/node-trainer.ts,
// workers/browser-trainer.ts), which the in-process executor also calls directly.
// It instantiates the engine once from the compiled module it is given, keeps the
// datasets it receives by key (each is sent to a worker once), and never throws
// across the boundary: a failure comes back as {code, message}, since an error's
// class does not survive Comlink.
import * as Comlink from 'comlink';
import type { TrainingData } from '../data/types.js';
import { Engine } from '../train/engine.js';
import { crashTestKind } from './kinds/crash-test.js';
import { taskKinds, type TaskKind } from './task-kinds.js';
import { describeError, TaskError, type ProgressListener, type TaskRecord } from './task.js';

export interface WorkerOptions {
  /** Registers the test-only 'crash-test' kind (see kinds/crash-test.ts). */
  faultInjection?: boolean;
}

/** A task as sent to a worker: its datasets by key. */
export interface WireTask {
  kind: string;
  config: unknown;
  datasets: string[];
}

export interface WireDataset {
  key: string;
  data: TrainingData;
}

export type WorkerReply = { ok: true; record: TaskRecord } | { ok: false; error: { code: string; message: string } };

export interface WorkerApi {
  init(module: WebAssembly.Module, options?: WorkerOptions): Promise<void>;
  /** Stores `fresh` datasets, then runs `task`; `onProgress` may be a Comlink proxy. */
  run(task: WireTask, fresh: WireDataset[], onProgress?: ProgressListener): Promise<WorkerReply>;
}

/** Progress is forwarded at most this often (plus every evaluation and the last step). */
const PROGRESS_INTERVAL_MS = 100;

/** `exit` ends the hosting worker (for crash-test); omit it in-process. */
export function createWorkerApi(exit?: () => void): WorkerApi {
  let module: WebAssembly.Module | undefined;
  let engine: Engine | undefined;
  let kinds: Readonly<Record<string, TaskKind>> = taskKinds;
  const datasets = new Map<string, TrainingData>();

  const dataFor = (keys: string[]) =>
    keys.map((key) => {
      const data = datasets.get(key);
      if (!data) throw new TaskError('DATASET_MISSING', `dataset ${key} was never sent to this worker`);
      return data;
    });

  return {
    async init(compiled, options = {}) {
      module = compiled;
      engine = await Engine.create(compiled);
      kinds = options.faultInjection ? { ...taskKinds, 'crash-test': crashTestKind(exit) } : taskKinds;
    },

    async run(task, fresh, onProgress) {
      for (const { key, data } of fresh) datasets.set(key, data);
      try {
        if (!module) throw new TaskError('NOT_INITIALISED', 'run() was called before init()');
        if (!Object.hasOwn(kinds, task.kind)) {
          throw new TaskError('UNKNOWN_KIND', `task kind ${JSON.stringify(task.kind)} is not registered; known kinds: ${Object.keys(kinds).join(', ')}`);
        }
        engine ??= await Engine.create(module);
        const record = await kinds[task.kind](engine, dataFor(task.datasets), task.config, throttled(onProgress));
        return { ok: true, record };
      } catch (error) {
        engine = undefined; // a failed run may leave the engine's memory half-written: start afresh
        return { ok: false, error: describeError(error) };
      } finally {
        (onProgress as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy]?.();
      }
    },
  };
}

function throttled(listener?: ProgressListener): ProgressListener {
  if (!listener) return () => {};
  let last = -Infinity;
  return (progress) => {
    const now = Date.now();
    if (!progress.point && progress.step < progress.totalSteps && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    // A Comlink proxy returns a promise; a closed channel must not become an uncaught rejection.
    const result: unknown = listener(progress);
    if (result instanceof Promise) result.catch(() => {});
  };
}

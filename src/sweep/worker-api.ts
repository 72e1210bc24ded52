// The API a sweep worker exposes through Comlink (workers/node-trainer.ts,
// workers/browser-trainer.ts), which the in-process executor also calls directly.
// It runs tasks from their JSON ({kind, config, datasets}) with the kinds it was
// built with, enabling those the coordinator names at init. It instantiates the
// engine once from the compiled module it is given; a task's datasets are those the
// executor shared with it (kept by key: each is sent once) or, failing that, made
// here from their args. It never throws across the boundary: a failure comes back
// as {code, message}, since an error's class does not survive Comlink.
import * as Comlink from 'comlink';
import { parseDatasetArgs } from '../data/args.js';
import type { FeatureMajorData } from '../data/types.js';
import { Engine } from '../train/engine.js';
import { DatasetCache, datasetKey } from './datasets.js';
import { kindNamed, type TaskKind, type TaskKinds } from './task-kind.js';
import { describeError, TaskError, type ProgressListener, type SharedDataset, type TaskRecord, type WireTask } from './task.js';

export type WorkerReply = { ok: true; record: TaskRecord } | { ok: false; error: { code: string; message: string } };

export interface WorkerApi {
  /** Instantiates the engine and enables the kinds named (each must be one this worker was built with). */
  init(module: WebAssembly.Module, kinds: string[]): Promise<void>;
  /** Keeps the `shared` datasets, then runs `task`; `onProgress` may be a Comlink proxy. */
  run(task: WireTask, shared: SharedDataset[], onProgress?: ProgressListener): Promise<WorkerReply>;
}

/** Progress is forwarded at most this often (plus every evaluation and the last step). */
const PROGRESS_INTERVAL_MS = 100;

export function createWorkerApi(registry: TaskKinds): WorkerApi {
  let module: WebAssembly.Module | undefined;
  let engine: Engine | undefined;
  let enabled: TaskKinds | undefined;
  const held = new Map<string, FeatureMajorData>();
  const made = new DatasetCache(false);

  const dataFor = (task: WireTask) =>
    Promise.all(
      task.datasets.map(async (input, i) => {
        const args = parseDatasetArgs(input, `datasets[${i}]`);
        return held.get(datasetKey(args)) ?? (await made.get(args)).data;
      }),
    );

  return {
    async init(compiled, names) {
      const kinds = Object.fromEntries(names.map((name): [string, TaskKind] => [name, kindNamed(registry, name, 'kinds')]));
      module = compiled;
      engine = await Engine.create(compiled);
      enabled = { kinds, plain: registry.plain };
    },

    async run(task, shared, onProgress) {
      for (const { key, data } of shared) held.set(key, data);
      try {
        if (!module || !enabled) throw new TaskError('NOT_INITIALISED', 'run() was called before init()');
        const kind = kindNamed(enabled, task.kind, 'kind');
        const config: unknown = kind.parseConfig(task.config, 'config');
        const data = await dataFor(task);
        engine ??= await Engine.create(module);
        const record = await kind.run(engine, data, config, throttled(onProgress));
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

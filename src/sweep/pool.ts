// A pool of trainer workers driven through Comlink, generic over how a worker is
// made (node-pool.ts: worker_threads; browser-pool.ts: Web Workers). Workers start
// on demand up to `size`; each receives the compiled engine module and the names of
// the kinds it runs once, and each dataset once: the pool makes every dataset on the
// main thread (DatasetCache), in shared memory where it can. Comlink does not
// notice a dead worker, so every call races the worker's death (exit, uncaught
// error, out of memory, message error) and the caller's AbortSignal; a dead or
// aborted worker is terminated and replaced by the next run that needs one.
// Retrying a dead worker's run is the sweep's policy.
import * as Comlink from 'comlink';
import type { FeatureMajorData } from '../data/types.js';
import { canShareMemory, DatasetCache } from './datasets.js';
import type { Executor } from './executor.js';
import type { TaskKinds } from './task-kind.js';
import { abortError, describeError, TaskError, throwIfAborted, type PreparedTask, type ProgressListener, type SharedDataset, type TaskRecord } from './task.js';
import type { WorkerApi } from './worker-api.js';

/** One worker as the pool sees it. */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  /** Registers the listener called when the worker dies on its own (an error then an exit may both call it: the first counts). */
  onDeath(listener: (error: TaskError) => void): void;
  terminate(): void;
}

export type WorkerFactory = () => WorkerHandle;

export interface WorkerPoolOptions {
  size: number;
  /** Makes a worker; its entry must be built with (at least) `kinds`. */
  factory: WorkerFactory;
  kinds: TaskKinds;
  /** Make datasets in SharedArrayBuffers, posted as is; otherwise each worker gets a transferred copy. Default: where the platform allows it. */
  shareMemory?: boolean;
  /** The compiled engine, posted to each worker (compiled once, instantiated per worker). */
  module: WebAssembly.Module;
}

class Slot {
  readonly remote: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker dies or is killed; raced against every call. */
  readonly died: Promise<never>;
  readonly ready: Promise<void>;
  /** Keys of the datasets this worker holds. */
  readonly datasets = new Set<string>();
  alive = true;
  busy = true;
  private fail: (error: TaskError) => void = () => {};

  constructor(
    private readonly handle: WorkerHandle,
    options: WorkerPoolOptions,
  ) {
    this.died = new Promise<never>((_, reject) => (this.fail = reject));
    this.died.catch(() => {}); // observed through the races below
    handle.onDeath((error) => {
      this.alive = false;
      this.fail(error);
    });
    this.remote = Comlink.wrap<WorkerApi>(handle.endpoint);
    this.ready = Promise.race([this.remote.init(options.module, Object.keys(options.kinds.kinds)), this.died]).catch((error: unknown) => {
      const reason = error instanceof TaskError ? error : new TaskError('WORKER_INIT', `the worker could not start: ${describeError(error).message}`);
      this.kill(reason);
      throw reason;
    });
    this.ready.catch(() => {});
  }

  /** Terminates the worker; its pending call rejects with `reason` (a terminated Web Worker sends no event). */
  kill(reason: TaskError): void {
    this.alive = false;
    this.fail(reason);
    this.handle.terminate();
  }
}

export class WorkerPool implements Executor {
  readonly concurrency: number;
  readonly kinds: TaskKinds;
  /** The datasets made for the workers so far. */
  readonly datasets: DatasetCache;
  private slots: Slot[] = [];
  private waiters: { take: (slot: Slot) => void; fail: (error: TaskError) => void }[] = [];
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`workers must be an integer >= 1, got ${options.size}`);
    }
    this.concurrency = options.size;
    this.kinds = options.kinds;
    this.datasets = new DatasetCache(options.shareMemory ?? canShareMemory());
  }

  /** Workers currently alive (started and not dead). */
  get liveWorkers(): number {
    return this.slots.filter((slot) => slot.alive).length;
  }

  async run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord> {
    const slot = await this.acquire(signal);
    try {
      return await this.runOn(slot, task, onProgress, signal);
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.fail(new TaskError('POOL_CLOSED', 'the worker pool was closed'));
    for (const slot of this.slots.splice(0)) slot.kill(new TaskError('POOL_CLOSED', 'the worker pool was closed'));
  }

  private async runOn(slot: Slot, task: PreparedTask, onProgress: ProgressListener | undefined, signal?: AbortSignal): Promise<TaskRecord> {
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        slot.kill(abortError()); // the only way to stop a worker inside a synchronous wasm call
        reject(abortError());
      };
    });
    aborted.catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      throwIfAborted(signal);
      const datasets = await Promise.race([Promise.all(task.datasets.map((args) => this.datasets.get(args))), aborted]);
      await Promise.race([slot.ready, aborted]);
      const fresh = datasets.filter((d) => !slot.datasets.has(d.key));
      const payload: SharedDataset[] = fresh.map((d) => ({ ...d, data: sendable(d.data) }));
      const call = slot.remote.run(
        { kind: task.kind, config: task.config, datasets: task.datasets },
        Comlink.transfer(payload, payload.flatMap((d) => transferables(d.data))),
        onProgress && Comlink.proxy((progress: Parameters<ProgressListener>[0]) => onProgress(progress)),
      );
      for (const d of fresh) slot.datasets.add(d.key);
      const reply = await Promise.race([call, slot.died, aborted]);
      if (!reply.ok) throw new TaskError(reply.error.code, reply.error.message);
      return reply.record;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) return Promise.reject(new TaskError('POOL_CLOSED', 'the worker pool was closed'));
    if (signal?.aborted) return Promise.reject(abortError());
    const slot = this.takeSlot();
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(abortError());
      };
      const waiter = {
        take: (s: Slot) => (signal?.removeEventListener('abort', onAbort), resolve(s)),
        fail: (error: TaskError) => (signal?.removeEventListener('abort', onAbort), reject(error)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** An idle live worker, or a new one while fewer than `size` are alive; marked busy. */
  private takeSlot(): Slot | undefined {
    this.slots = this.slots.filter((slot) => slot.alive || slot.busy); // forget workers that died idle
    const idle = this.slots.find((slot) => slot.alive && !slot.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (this.slots.length >= this.options.size) return undefined;
    const slot = new Slot(this.options.factory(), this.options);
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    if (!slot.alive) this.slots = this.slots.filter((s) => s !== slot);
    if (this.closed || !this.waiters.length) return;
    const next = this.takeSlot();
    if (next) this.waiters.shift()!.take(next);
  }
}

function isShared(data: FeatureMajorData): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && data.x.buffer instanceof SharedArrayBuffer;
}

/**
 * SharedArrayBuffer-backed data is posted as is (every worker reads one copy);
 * otherwise each worker gets its own copy, transferred. slice() copies just the
 * view, so a wasm memory.buffer never lands in a transfer list.
 */
function sendable(data: FeatureMajorData): FeatureMajorData {
  if (isShared(data)) return data;
  return { ...data, x: data.x.slice(), y: data.y.slice(), xTest: data.xTest.slice(), yTest: data.yTest.slice() };
}

function transferables(data: FeatureMajorData): ArrayBuffer[] {
  return isShared(data) ? [] : [data.x, data.y, data.xTest, data.yTest].map((a) => a.buffer as ArrayBuffer);
}

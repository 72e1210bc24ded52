// The coordinator's side of the distributed queue: an Executor that enqueues each
// task as a BullMQ job whose id is the task's key (enqueueing it again is a no-op)
// and resolves with the record a queue worker (queue-worker.ts) sends back. The
// sweep stays the single writer of results.jsonl: a job is removed from Redis once
// its outcome is taken, so it is recorded once; should the coordinator die between
// the two, the run is computed again, never lost (runs are deterministic).
// Outcomes arrive as queue events; a poll of the jobs in flight backs the events up
// (an event lost while Redis restarted) and collects jobs that finished while no
// coordinator listened (a resumed sweep), and re-enqueues a job Redis lost.
// Aborting a run leaves its job in the queue: a resumed sweep collects it.
import { setMaxListeners } from 'node:events';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError } from '../schema.js';
import type { RunProgress } from '../train/types.js';
import type { Executor } from './executor.js';
import { checkReachable, connectQueue, lastEventId, QUEUE_NAME, type QueueUrl } from './queue-connection.js';
import { jobPayload, parseJobReply, type JobReply } from './queue-payload.js';
import type { TaskKinds } from './task-kind.js';
import { abortError, describeError, TaskError, throwIfAborted, type PreparedTask, type ProgressListener, type TaskRecord } from './task.js';

export interface QueueExecutorOptions {
  url: QueueUrl;
  /** The kinds the sweep's tasks may have (the workers must enable them). */
  kinds: TaskKinds;
  /** Jobs kept in the queue at once (the sweep's concurrency); at least the worker slots of every machine. Default DEFAULT_IN_FLIGHT. */
  inFlight?: number;
  /** How often the jobs in flight are polled (a safety net under the queue events). Default 5 s. */
  pollMs?: number;
}

export const DEFAULT_IN_FLIGHT = 32;

/** Code of a job that BullMQ itself failed (e.g. its workers died mid-run more often than maxStalledCount). */
export const QUEUE_JOB_FAILED = 'QUEUE_JOB_FAILED';

interface Waiter {
  task: PreparedTask;
  settle: (reply: JobReply) => void;
  onProgress?: ProgressListener;
}

export class QueueExecutor implements Executor {
  readonly concurrency: number;
  readonly kinds: TaskKinds;
  private readonly waiters = new Map<string, Waiter>();
  private readonly poller: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  private constructor(
    options: QueueExecutorOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly connections: Redis[],
  ) {
    this.kinds = options.kinds;
    this.concurrency = options.inFlight ?? DEFAULT_IN_FLIGHT;
    events.on('completed', ({ jobId, returnvalue }) => this.take(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.take(jobId, queueFailure(failedReason)));
    events.on('progress', ({ jobId, data }) => this.waiters.get(jobId)?.onProgress?.(data as unknown as RunProgress));
    events.on('error', () => {}); // reconnects by itself; the poll covers what it misses
    this.poller = setInterval(() => void this.poll(), options.pollMs ?? 5000);
  }

  /** Connects to the queue at `options.url`; a ConfigError when Redis does not answer. */
  static async connect(options: QueueExecutorOptions): Promise<QueueExecutor> {
    if (options.inFlight !== undefined && !(Number.isInteger(options.inFlight) && options.inFlight >= 1)) {
      throw new ConfigError(`inFlight must be an integer >= 1, got ${options.inFlight}`, 'inFlight');
    }
    const connections = [connectQueue(options.url), connectQueue(options.url)];
    try {
      await checkReachable(connections[0], options.url);
      const queue = new Queue(QUEUE_NAME, { connection: connections[0] });
      queue.on('error', () => {}); // reconnects by itself
      const events = new QueueEvents(QUEUE_NAME, { connection: connections[1], lastEventId: await lastEventId(connections[0], QUEUE_NAME) });
      await events.waitUntilReady();
      return new QueueExecutor(options, queue, events, connections);
    } catch (error) {
      connections.forEach((c) => c.disconnect());
      throw error;
    }
  }

  async run(task: PreparedTask, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TaskRecord> {
    throwIfAborted(signal);
    if (this.closed) throw new TaskError('POOL_CLOSED', 'the queue executor was closed');
    if (this.waiters.has(task.key)) throw new TaskError('QUEUE_DUPLICATE', `task ${task.key} is already in flight`);
    let onAbort = () => {};
    const outcome = new Promise<JobReply>((resolve, reject) => {
      this.waiters.set(task.key, { task, settle: resolve, onProgress });
      onAbort = () => reject(abortError());
    });
    if (signal) setMaxListeners(this.concurrency + 10, signal); // every job in flight listens to the sweep's signal
    signal?.addEventListener('abort', onAbort, { once: true });
    let reply: JobReply;
    try {
      await this.enqueue(task);
      void this.check(task.key); // it may have finished already (e.g. while no coordinator listened)
      reply = await outcome;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.waiters.delete(task.key);
    }
    await this.queue.remove(task.key).catch(() => {}); // a job still locked (a duplicate after a stall) stays: harmless
    if (!reply.ok) throw new TaskError(reply.error.code, reply.error.message);
    return { ...reply.record, worker: reply.worker };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const [key, waiter] of this.waiters) waiter.settle({ ok: false, error: { code: 'POOL_CLOSED', message: `the queue executor was closed before task ${key} finished` }, worker: '' });
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.connections.forEach((c) => c.disconnect());
  }

  private enqueue(task: PreparedTask): Promise<unknown> {
    return this.queue.add('task', jobPayload(task), { jobId: task.key, removeOnComplete: false, removeOnFail: false });
  }

  /** Settles the waiter of `jobId` (if any) with a job's return value, checked. */
  private take(jobId: string, value: unknown): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    try {
      waiter.settle(parseJobReply(value, jobId));
    } catch (error) {
      waiter.settle({ ok: false, error: describeError(error), worker: '' });
    }
  }

  /** Looks the job up: takes a finished one's outcome, re-enqueues one Redis lost. */
  private async check(key: string): Promise<void> {
    const waiter = this.waiters.get(key);
    if (!waiter) return;
    const state = await this.queue.getJobState(key);
    if (this.waiters.get(key) !== waiter) return; // settled meanwhile
    if (state === 'unknown') await this.enqueue(waiter.task);
    else if (state === 'completed' || state === 'failed') {
      const job = await Job.fromId<unknown, unknown>(this.queue, key);
      if (job) this.take(key, state === 'completed' ? job.returnvalue : queueFailure(job.failedReason));
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all([...this.waiters.keys()].map((key) => this.check(key).catch(() => {})));
    } finally {
      this.polling = false;
    }
  }
}

function queueFailure(reason: string): JobReply {
  return { ok: false, error: { code: QUEUE_JOB_FAILED, message: `the queue failed the job: ${reason}` }, worker: '' };
}

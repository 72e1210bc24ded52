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
// With `batch` > 1, tasks that arrive together (within BATCH_WAIT_MS) share one batch
// job of up to `batch` members (queue-payload.ts), whose id follows from the members'
// keys; each member's run() settles with its own record, so the sweep sees no
// difference. A batch is one job: retried, handed back or failed by the queue as a
// whole, and removed from Redis once every member's outcome is taken.
import { setMaxListeners } from 'node:events';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError } from '../schema.js';
import type { RunProgress } from '../train/types.js';
import type { Executor } from './executor.js';
import { checkReachable, connectQueue, lastEventId, QUEUE_NAME } from './queue-connection.js';
import { DEFAULT_IN_FLIGHT, type QueueUrl } from './queue-url.js';
import { BATCH_JOB, batchJobId, batchPayload, jobPayload, MAX_BATCH, parseBatchReply, parseJobReply, type JobReply } from './queue-payload.js';
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
  /** Most tasks one job holds (1..MAX_BATCH); the sweep then keeps inFlight x batch tasks in flight. Default 1: a job per task. */
  batch?: number;
}

/** How long a task waits for others to fill its batch before the batch is sent as it is. */
export const BATCH_WAIT_MS = 20;

/** Code of a job that BullMQ itself failed (e.g. its workers died mid-run more often than maxStalledCount). */
export const QUEUE_JOB_FAILED = 'QUEUE_JOB_FAILED';

interface Waiter {
  task: PreparedTask;
  settle: (reply: JobReply) => void;
  onProgress?: ProgressListener;
}

/** A job in the queue: one task (named 'task', id its key) or a batch of them. */
interface QueuedJob {
  id: string;
  tasks: PreparedTask[];
  /** Members whose outcome is not yet taken; the job is removed from Redis when none is left. */
  open: Set<string>;
}

export class QueueExecutor implements Executor {
  readonly concurrency: number;
  readonly kinds: TaskKinds;
  private readonly batch: number;
  /** By task key. */
  private readonly waiters = new Map<string, Waiter>();
  /** By job id, and by the key of each member whose outcome is not yet taken. */
  private readonly jobs = new Map<string, QueuedJob>();
  private readonly jobOf = new Map<string, QueuedJob>();
  /** Tasks waiting to fill a batch, and the timer that sends them anyway. */
  private unsent: PreparedTask[] = [];
  private sendTimer?: NodeJS.Timeout;
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
    this.batch = options.batch ?? 1;
    this.concurrency = (options.inFlight ?? DEFAULT_IN_FLIGHT) * this.batch;
    events.on('completed', ({ jobId, returnvalue }) => this.take(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.take(jobId, queueFailure(failedReason)));
    events.on('progress', ({ jobId, data }) => {
      const key = (data as { key?: unknown }).key;
      this.waiters.get(typeof key === 'string' ? key : jobId)?.onProgress?.(data as unknown as RunProgress);
    });
    events.on('error', () => {}); // reconnects by itself; the poll covers what it misses
    this.poller = setInterval(() => void this.poll(), options.pollMs ?? 5000);
  }

  /** Connects to the queue at `options.url`; a ConfigError when Redis does not answer. */
  static async connect(options: QueueExecutorOptions): Promise<QueueExecutor> {
    if (options.inFlight !== undefined && !(Number.isInteger(options.inFlight) && options.inFlight >= 1)) {
      throw new ConfigError(`inFlight must be an integer >= 1, got ${options.inFlight}`, 'inFlight');
    }
    if (options.batch !== undefined && !(Number.isInteger(options.batch) && options.batch >= 1 && options.batch <= MAX_BATCH)) {
      throw new ConfigError(`batch must be an integer 1..${MAX_BATCH}, got ${options.batch}`, 'batch');
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
      this.send(task);
      reply = await outcome;
    } catch (error) {
      this.unsent = this.unsent.filter((t) => t !== task); // aborted before its batch was sent
      await this.release(task.key, 'keep'); // its job stays in the queue, for a resumed sweep
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.waiters.delete(task.key);
    }
    await this.release(task.key, 'remove');
    if (!reply.ok) throw new TaskError(reply.error.code, reply.error.message);
    return { ...reply.record, worker: reply.worker };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    clearTimeout(this.sendTimer);
    this.unsent = [];
    for (const [key, waiter] of this.waiters) waiter.settle({ ok: false, error: { code: 'POOL_CLOSED', message: `the queue executor was closed before task ${key} finished` }, worker: '' });
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.connections.forEach((c) => c.disconnect());
  }

  /** Queues `task` into the next batch; sends the batch once full, or BATCH_WAIT_MS after its first task. */
  private send(task: PreparedTask): void {
    this.unsent.push(task);
    if (this.unsent.length >= this.batch) this.sendUnsent();
    else this.sendTimer ??= setTimeout(() => this.sendUnsent(), BATCH_WAIT_MS);
  }

  private sendUnsent(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    const tasks = this.unsent;
    this.unsent = [];
    if (!tasks.length) return;
    const job: QueuedJob = { id: tasks.length === 1 ? tasks[0].key : batchJobId(tasks.map((t) => t.key)), tasks, open: new Set(tasks.map((t) => t.key)) };
    this.jobs.set(job.id, job);
    for (const task of tasks) this.jobOf.set(task.key, job);
    this.enqueue(job).then(
      () => this.check(job.id).catch(() => {}), // it may have finished already (e.g. while no coordinator listened); the poll retries
      (error: unknown) => this.settleAll(job, { ok: false, error: describeError(error), worker: '' }),
    );
  }

  private enqueue(job: QueuedJob): Promise<unknown> {
    const options = { jobId: job.id, removeOnComplete: false, removeOnFail: false };
    if (job.tasks.length === 1) return this.queue.add('task', jobPayload(job.tasks[0]), options);
    return this.queue.add(BATCH_JOB, batchPayload(job.tasks), options);
  }

  /** Marks a task's outcome taken; once all its job's members' are, forgets the job and ('remove') removes it from Redis. */
  private async release(key: string, redis: 'remove' | 'keep'): Promise<void> {
    const job = this.jobOf.get(key);
    if (!job) return;
    this.jobOf.delete(key);
    job.open.delete(key);
    if (job.open.size) return;
    this.jobs.delete(job.id);
    if (redis === 'remove') await this.queue.remove(job.id).catch(() => {}); // a job still locked (a duplicate after a stall) stays: harmless
  }

  /** Settles the waiters of `jobId`'s members (if any) with the job's return value, checked. */
  private take(jobId: string, value: unknown): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    let replies: JobReply[];
    try {
      replies = job.tasks.length === 1 ? [parseJobReply(value, jobId)] : parseBatchReply(value, jobId, job.tasks.length);
    } catch (error) {
      return this.settleAll(job, { ok: false, error: describeError(error), worker: '' });
    }
    job.tasks.forEach((task, i) => this.waiters.get(task.key)?.settle(replies[i]));
  }

  private settleAll(job: QueuedJob, reply: JobReply): void {
    for (const task of job.tasks) this.waiters.get(task.key)?.settle(reply);
  }

  /** Looks the job up: takes a finished one's outcome, re-enqueues one Redis lost. */
  private async check(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) return;
    const state = await this.queue.getJobState(jobId);
    if (this.jobs.get(jobId) !== job) return; // settled meanwhile
    if (state === 'unknown') await this.enqueue(job);
    else if (state === 'completed' || state === 'failed') {
      const stored = await Job.fromId<unknown, unknown>(this.queue, jobId);
      if (stored) this.take(jobId, state === 'completed' ? stored.returnvalue : queueFailure(stored.failedReason));
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all([...this.jobs.keys()].map((id) => this.check(id).catch(() => {})));
    } finally {
      this.polling = false;
    }
  }
}

function queueFailure(reason: string): JobReply {
  return { ok: false, error: { code: QUEUE_JOB_FAILED, message: `the queue failed the job: ${reason}` }, worker: '' };
}

// A queue worker: takes jobs from the BullMQ queue and runs them on this machine's
// worker pool (node-pool.ts), `workers` at a time, sending each record back as the
// job's return value (a JobReply). Training runs in the pool's threads, never on this
// event loop, so BullMQ keeps renewing the jobs' locks during long runs; a job whose
// worker process dies loses its lock, stalls and goes back to the queue for another
// worker. Each job is validated before anything runs (parseJobPayload); a rejected
// job, like a failed run, comes back as {ok: false, error}, for the coordinator to
// record as it records local failures. Datasets are generated here from their args,
// once per process (the pool's DatasetCache). A batch job (queue-payload.ts) takes
// one slot and runs its members one after another, each reported like a job of its
// own; its reply holds every member's outcome. Handed back, the whole batch returns
// to the queue.
import { Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunProgress } from '../train/types.js';
import { createNodePool } from './node-pool.js';
import type { WorkerPool } from './pool.js';
import { checkReachable, connectQueue, QUEUE_NAME } from './queue-connection.js';
import type { QueueUrl } from './queue-url.js';
import { BATCH_JOB, parseBatchPayload, parseJobPayload, type BatchMember, type BatchReply, type JobReply } from './queue-payload.js';
import type { TaskKinds } from './task-kind.js';
import { describeError } from './task.js';

export interface QueueWorkerOptions {
  url: QueueUrl;
  /** The kinds this worker runs: a job of any other kind is refused. */
  kinds: TaskKinds;
  /** Jobs run at once (the pool's size). */
  workers: number;
  /** Names this machine in replies and progress ("NAME/slot"). */
  name: string;
  /** How long a job's lock lasts without renewal (BullMQ's lockDuration): a dead worker's job returns to the queue after about this long. Default 30 s. */
  lockDurationMs?: number;
  onEvent?: (event: QueueWorkerEvent) => void;
}

export type QueueWorkerEvent =
  | { type: 'job-start'; id: string; worker: string }
  | { type: 'job-end'; id: string; worker: string; reply: JobReply; seconds: number }
  | { type: 'handed-back'; id: string; worker: string }
  | { type: 'error'; message: string };

/** What a job reports while it runs: the run's progress and where it runs; in a batch job, `key` names the member running. */
export interface JobProgress extends RunProgress {
  worker: string;
  key?: string;
}

/** Thrown when a run stopped because its job is being handed back. */
class HandedBack extends Error {}

const DEFAULT_LOCK_MS = 30_000;
/** A running job reports its progress to Redis at most this often. */
const PROGRESS_INTERVAL_MS = 500;

export class QueueWorker {
  private readonly freeSlots: number[];
  private readonly running = new Map<string, AbortController>();
  private handingBack = false;
  private stopping?: Promise<void>;

  private constructor(
    private readonly options: QueueWorkerOptions,
    private readonly pool: WorkerPool,
    private readonly worker: Worker<unknown, JobReply | BatchReply>,
    private readonly connection: Redis,
  ) {
    this.freeSlots = Array.from({ length: options.workers }, (_, i) => i);
  }

  /** Connects (a ConfigError when Redis does not answer), starts the pool and takes jobs. */
  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const connection = connectQueue(options.url);
    await checkReachable(connection, options.url).catch((error: unknown) => {
      connection.disconnect();
      throw error;
    });
    const pool = await createNodePool({ kinds: options.kinds, size: options.workers });
    const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_MS;
    let self: QueueWorker | undefined;
    const worker = new Worker<unknown, JobReply | BatchReply>(QUEUE_NAME, (job, token) => self!.process(job, token), {
      connection,
      concurrency: options.workers,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 1,
      autorun: false,
    });
    worker.on('error', (error) => options.onEvent?.({ type: 'error', message: error.message }));
    self = new QueueWorker(options, pool, worker, connection);
    void worker.run().catch((error: unknown) => options.onEvent?.({ type: 'error', message: describeError(error).message }));
    return self;
  }

  /** Jobs running now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Stops taking jobs. 'finish': the running jobs finish and are sent back.
   * 'hand-back': they are stopped and returned to the queue at once, for other
   * workers. A later call may turn a 'finish' into a 'hand-back'.
   */
  stop(mode: 'finish' | 'hand-back'): Promise<void> {
    if (mode === 'hand-back' && !this.handingBack) {
      this.handingBack = true;
      for (const controller of this.running.values()) controller.abort();
    }
    return (this.stopping ??= this.close());
  }

  private async close(): Promise<void> {
    await this.worker.close();
    await this.pool.close();
    this.connection.disconnect();
  }

  private async process(job: Job<unknown, JobReply | BatchReply>, token?: string): Promise<JobReply | BatchReply> {
    const id = job.id ?? '';
    const slot = this.freeSlots.shift() ?? this.running.size;
    const where = `${this.options.name}/${slot}`;
    const controller = new AbortController();
    this.running.set(id, controller);
    if (this.handingBack) controller.abort();
    try {
      if (job.name === BATCH_JOB) return await this.runBatch(job, where, controller.signal);
      return await this.runMember(job, singleMember(job, this.options.kinds), where, controller.signal);
    } catch (error) {
      if (!(error instanceof HandedBack)) throw error;
      await job.moveToWait(token);
      this.options.onEvent?.({ type: 'handed-back', id, worker: where });
      throw new WaitingError();
    } finally {
      this.running.delete(id);
      this.freeSlots.push(slot);
      this.freeSlots.sort((a, b) => a - b);
    }
  }

  /** Runs a batch job's members in order; a batch refused as a whole gets one failure for all. */
  private async runBatch(job: Job, where: string, signal: AbortSignal): Promise<BatchReply> {
    let members: BatchMember[];
    try {
      members = parseBatchPayload(job.data, job.id, this.options.kinds);
    } catch (error) {
      const reply = { ok: false as const, error: describeError(error), worker: where };
      this.options.onEvent?.({ type: 'job-end', id: job.id ?? '', worker: where, reply, seconds: 0 });
      return reply;
    }
    const replies: JobReply[] = [];
    for (const member of members) replies.push(await this.runMember(job, member, where, signal));
    return { members: replies };
  }

  /** Runs one task (a job's or a batch member's) on the pool; HandedBack when stopped for a hand-back. */
  private async runMember(job: Job, member: BatchMember, where: string, signal: AbortSignal): Promise<JobReply> {
    const started = performance.now();
    const end = (reply: JobReply) => {
      this.options.onEvent?.({ type: 'job-end', id: member.key, worker: where, reply, seconds: (performance.now() - started) / 1e3 });
      return reply;
    };
    this.options.onEvent?.({ type: 'job-start', id: member.key, worker: where });
    if ('error' in member) return end({ ok: false, error: member.error, worker: where });
    try {
      const record = await this.pool.run(member.task, progressReporter(job, where, job.name === BATCH_JOB ? member.key : undefined), signal);
      return end({ ok: true, record, worker: where });
    } catch (error) {
      if (signal.aborted) throw new HandedBack();
      return end({ ok: false, error: describeError(error), worker: where });
    }
  }
}

/** A single task's job as a member: its task, or why it was refused. */
function singleMember(job: Job, kinds: TaskKinds): BatchMember {
  const key = job.id ?? '';
  try {
    return { key, task: parseJobPayload(job.data, job.id, kinds) };
  } catch (error) {
    return { key, error: describeError(error) };
  }
}

/** Sends a run's progress to the job, at most every PROGRESS_INTERVAL_MS; a lost update is harmless. */
function progressReporter(job: Job, worker: string, key: string | undefined): (progress: RunProgress) => void {
  let last = -Infinity;
  return ({ step, totalSteps }) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const progress: JobProgress = key === undefined ? { step, totalSteps, worker } : { step, totalSteps, worker, key };
    job.updateProgress(progress as unknown as object).catch(() => {});
  };
}

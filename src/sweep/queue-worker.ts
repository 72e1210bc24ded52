// A queue worker: takes jobs from the BullMQ queue and runs them on this machine's
// worker pool (node-pool.ts), `workers` at a time, sending each record back as the
// job's return value (a JobReply). Training runs in the pool's threads, never on this
// event loop, so BullMQ keeps renewing the jobs' locks during long runs; a job whose
// worker process dies loses its lock, stalls and goes back to the queue for another
// worker. Each job is validated before anything runs (parseJobPayload); a rejected
// job, like a failed run, comes back as {ok: false, error}, for the coordinator to
// record as it records local failures. Datasets are generated here from their args,
// once per process (the pool's DatasetCache).
import { Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunProgress } from '../train/types.js';
import { createNodePool } from './node-pool.js';
import type { WorkerPool } from './pool.js';
import { checkReachable, connectQueue, QUEUE_NAME, type QueueUrl } from './queue-connection.js';
import { parseJobPayload, type JobReply } from './queue-payload.js';
import type { TaskKinds } from './task-kind.js';
import { describeError, type PreparedTask } from './task.js';

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

/** What a job reports while it runs: the run's progress and where it runs. */
export interface JobProgress extends RunProgress {
  worker: string;
}

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
    private readonly worker: Worker<unknown, JobReply>,
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
    const worker = new Worker<unknown, JobReply>(QUEUE_NAME, (job, token) => self!.process(job, token), {
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

  private async process(job: Job<unknown, JobReply>, token?: string): Promise<JobReply> {
    const id = job.id ?? '';
    const slot = this.freeSlots.shift() ?? this.running.size;
    const where = `${this.options.name}/${slot}`;
    const started = performance.now();
    const controller = new AbortController();
    this.running.set(id, controller);
    if (this.handingBack) controller.abort();
    this.options.onEvent?.({ type: 'job-start', id, worker: where });
    try {
      let task: PreparedTask;
      try {
        task = parseJobPayload(job.data, job.id, this.options.kinds);
      } catch (error) {
        return this.reply(id, where, started, { ok: false, error: describeError(error), worker: where });
      }
      try {
        const record = await this.pool.run(task, progressReporter(job, where), controller.signal);
        return this.reply(id, where, started, { ok: true, record, worker: where });
      } catch (error) {
        if (!controller.signal.aborted) return this.reply(id, where, started, { ok: false, error: describeError(error), worker: where });
        await job.moveToWait(token);
        this.options.onEvent?.({ type: 'handed-back', id, worker: where });
        throw new WaitingError();
      }
    } finally {
      this.running.delete(id);
      this.freeSlots.push(slot);
      this.freeSlots.sort((a, b) => a - b);
    }
  }

  private reply(id: string, worker: string, started: number, reply: JobReply): JobReply {
    this.options.onEvent?.({ type: 'job-end', id, worker, reply, seconds: (performance.now() - started) / 1e3 });
    return reply;
  }
}

/** Sends a run's progress to the job, at most every PROGRESS_INTERVAL_MS; a lost update is harmless. */
function progressReporter(job: Job, worker: string): (progress: RunProgress) => void {
  let last = -Infinity;
  return ({ step, totalSteps }) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const progress: JobProgress = { step, totalSteps, worker };
    job.updateProgress(progress as unknown as object).catch(() => {});
  };
}

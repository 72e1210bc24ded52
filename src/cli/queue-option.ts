// The --queue flag of `sweep` and `run`: the sweep's tasks go to worker machines
// through a Redis queue (QueueExecutor) instead of this machine's worker pool. With
// it, --workers counts the jobs kept in the queue at once, and --batch N packs up to
// N tasks into one job (for runs too short to keep the coordinator's rate up).
import { taskKinds } from '../experiments/task-kinds.js';
import type { Executor } from '../sweep/executor.js';
import { MAX_BATCH } from '../sweep/queue-payload.js';
import { DEFAULT_IN_FLIGHT, parseQueueUrl } from '../sweep/queue-url.js';
import { UsageError } from './errors.js';
import { parseIntegerFlag } from './flag-values.js';

/** The flag and its help, as `.option(...QUEUE_OPTION)`. */
export const QUEUE_OPTION = [
  '--queue <url>',
  `run the tasks on \`mnist1d worker\` machines through a Redis queue: redis://HOST[:PORT][/DB] (or rediss://, redis://:PASSWORD@HOST); --workers is then the jobs kept queued at once (default ${DEFAULT_IN_FLIGHT})`,
] as const;

/** The --batch flag, as `.option(...BATCH_OPTION)`. */
export const BATCH_OPTION = [
  '--batch <n>',
  `with --queue: up to n tasks per job (1..${MAX_BATCH}; default 1), for runs of a few seconds or less; --workers then counts jobs of n tasks`,
  parseBatch,
] as const;

function parseBatch(raw: string): number {
  const batch = parseIntegerFlag('--batch', raw);
  if (batch < 1 || batch > MAX_BATCH) throw new UsageError(`--batch must be an integer 1..${MAX_BATCH}, got ${raw}`);
  return batch;
}

/** The queue flags of a command. */
export interface QueueFlags {
  queue?: string;
  batch?: number;
}

/** Runs `job` with a QueueExecutor on `flags.queue` (closed after), or with no executor (the local pool) when there is no --queue. */
export async function withQueue<T>(flags: QueueFlags, inFlight: number | undefined, job: (executor?: Executor) => Promise<T>): Promise<T> {
  if (flags.queue === undefined) {
    if (flags.batch !== undefined) throw new UsageError('--batch applies to --queue: give both');
    return job();
  }
  const url = parseQueueUrl(flags.queue, '--queue');
  const { QueueExecutor } = await import('../sweep/queue-executor.js'); // BullMQ, only with --queue
  const executor = await QueueExecutor.connect({ url, kinds: taskKinds, inFlight, batch: flags.batch });
  try {
    return await job(executor);
  } finally {
    await executor.close();
  }
}

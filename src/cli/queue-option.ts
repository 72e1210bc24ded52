// The --queue flag of `sweep` and `run`: the sweep's tasks go to worker machines
// through a Redis queue (QueueExecutor) instead of this machine's worker pool. With
// it, --workers counts the jobs kept in the queue at once.
import { taskKinds } from '../experiments/task-kinds.js';
import type { Executor } from '../sweep/executor.js';
import { parseQueueUrl } from '../sweep/queue-connection.js';
import { DEFAULT_IN_FLIGHT, QueueExecutor } from '../sweep/queue-executor.js';

/** The flag and its help, as `.option(...QUEUE_OPTION)`. */
export const QUEUE_OPTION = [
  '--queue <url>',
  `run the tasks on \`mnist1d worker\` machines through a Redis queue: redis://HOST[:PORT][/DB] (or rediss://, redis://:PASSWORD@HOST); --workers is then the jobs kept queued at once (default ${DEFAULT_IN_FLIGHT})`,
] as const;

/** Runs `job` with a QueueExecutor on `queue` (closed after), or with no executor (the local pool) when `queue` is undefined. */
export async function withQueue<T>(queue: string | undefined, inFlight: number | undefined, job: (executor?: Executor) => Promise<T>): Promise<T> {
  if (queue === undefined) return job();
  const executor = await QueueExecutor.connect({ url: parseQueueUrl(queue, '--queue'), kinds: taskKinds, inFlight });
  try {
    return await job(executor);
  } finally {
    await executor.close();
  }
}

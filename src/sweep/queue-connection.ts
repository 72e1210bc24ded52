// The ioredis connections BullMQ is given, to the queue's Redis URL (queue-url.ts).
// Node only. Every sweep's tasks go through one BullMQ queue, QUEUE_NAME;
// a task's job id is its key, so enqueueing a task twice is a no-op.
import { Redis } from 'ioredis';
import { ConfigError } from '../schema.js';
import type { QueueUrl } from './queue-url.js';

export const QUEUE_NAME = 'mnist1d-tasks';

/**
 * The id of the last event in a queue's event stream ('0-0' when empty): a
 * QueueEvents started from it misses no event written after this call (BullMQ's
 * default, '$', starts only once its first read is issued). BullMQ's default key prefix, 'bull'.
 */
export async function lastEventId(redis: Redis, queue: string): Promise<string> {
  const [last] = await redis.xrevrange(`bull:${queue}:events`, '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}

/**
 * A connection for BullMQ: commands wait (forever) through a Redis restart instead of
 * failing, as BullMQ requires (maxRetriesPerRequest: null); reconnects are retried
 * every `retryMs` at most.
 */
export function connectQueue(url: QueueUrl, retryMs = 500): Redis {
  const redis = new Redis(url.href, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 100, retryMs),
  });
  redis.on('error', () => {}); // ioredis reconnects by itself; callers see commands wait, not fail
  return redis;
}

/** Resolves once Redis answers a PING; a ConfigError naming the URL after `timeoutMs`. */
export async function checkReachable(redis: Redis, url: QueueUrl, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConfigError(`cannot reach Redis at ${url.shown} within ${timeoutMs / 1000} s: is redis-server running there?`, 'queue')), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

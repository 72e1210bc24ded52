// Where the distributed queue lives: a Redis URL (redis://[user:password@]host[:port][/db],
// or rediss:// for TLS), validated once at the edge, and the ioredis connections BullMQ
// is given. Node only. Every sweep's tasks go through one BullMQ queue, QUEUE_NAME;
// a task's job id is its key, so enqueueing a task twice is a no-op.
import { Redis } from 'ioredis';
import { ConfigError } from '../schema.js';

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

/** The largest Redis database index a URL may name (Redis's default `databases` is 16). */
const MAX_DB = 15;

export interface QueueUrl {
  /** The URL as given (password included): what ioredis connects to. */
  href: string;
  /** The URL with any password replaced by "***": what messages show. */
  shown: string;
}

/** Validates a queue URL; `field` names the flag or option in errors (e.g. "--queue"). */
export function parseQueueUrl(text: string, field = 'queue'): QueueUrl {
  const allowed = 'redis://HOST[:PORT][/DB] or rediss://... (a password as redis://:PASSWORD@HOST)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${field} must be a URL, ${allowed}, got ${JSON.stringify(text)}`, field);
  }
  const shown = url.password ? text.replace(`:${url.password}@`, ':***@') : text;
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`${field} must be ${allowed}, got the scheme ${JSON.stringify(url.protocol)} in ${shown}`, field);
  }
  if (!url.hostname) throw new ConfigError(`${field} must name a host, ${allowed}, got ${shown}`, field);
  const db = url.pathname.replace(/^\//, '');
  if (db && !(/^\d+$/.test(db) && Number(db) <= MAX_DB)) {
    throw new ConfigError(`${field}: the database after the host must be an integer 0..${MAX_DB}, got ${JSON.stringify(db)} in ${shown}`, field);
  }
  if (url.search || url.hash) throw new ConfigError(`${field} takes no query or fragment, got ${shown}`, field);
  return { href: text, shown };
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

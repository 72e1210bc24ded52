// Where the distributed queue lives: a Redis URL (redis://[user:password@]host[:port][/db],
// or rediss:// for TLS), validated once at the edge, and the queue's defaults. Kept
// apart from the connection code so that commands without --queue never load
// ioredis and BullMQ (about 25 MB of a process).
import { ConfigError } from '../schema.js';

/** Jobs kept in the queue at once by default (QueueExecutor's inFlight). */
export const DEFAULT_IN_FLIGHT = 32;

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


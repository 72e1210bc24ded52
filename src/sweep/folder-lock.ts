// Node only: one writer per results folder. A sweep (or a study) holds
// <dir>/.mnist1d.lock from before its first run until its last write. The lock
// file names its owner ({pid, host, started, command}) and is created whole and
// exclusively (written under a private name, then hard-linked into place, which
// fails if the lock exists). A lock whose owner is gone (same host, no process
// with that pid) is stale and broken: moved aside, checked to be the very lock
// judged stale, deleted. A lock from another host, or one that cannot be read,
// is never broken automatically: the error says how to remove it by hand.
// Within one process, code running under withFolderLock(dir) shares its lock
// (a study holds it across its sweep and its summary and figures); any other
// attempt on a held folder is refused, from this process or another.
import { AsyncLocalStorage } from 'node:async_hooks';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { outputFolderError, prepareOutputFolder } from '../io/output-folder.js';
import { ConfigError } from '../schema.js';

export const LOCK_FILE = '.mnist1d.lock';

/** What a lock file holds. */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
  /** Tells this lock from another of the same process. */
  nonce: string;
}

const ATTEMPTS = 3;
/** The locks this process holds, by their text. */
const held = new Map<string, FolderLock>();
const sharedLocks = new AsyncLocalStorage<ReadonlySet<string>>();
let releaseOnExit = false;

export class FolderLock {
  private constructor(
    /** Absolute path of the lock file. */
    readonly path: string,
    /** The lock file's text; undefined for a lock shared with an enclosing withFolderLock. */
    private readonly text: string | undefined,
  ) {}

  /**
   * Creates `dir` if missing, checks it is writable, and takes its lock; a
   * ConfigError naming the owner when another writer holds it.
   */
  static acquire(dir: string): FolderLock {
    prepareOutputFolder(dir);
    const path = resolve(dir, LOCK_FILE);
    if (sharedLocks.getStore()?.has(path)) return new FolderLock(path, undefined);
    const text = JSON.stringify(newOwner()) + '\n';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryCreate(dir, path, text)) {
        const lock = new FolderLock(path, text);
        held.set(text, lock);
        if (!releaseOnExit) process.once('exit', () => held.forEach((l) => l.release()));
        releaseOnExit = true;
        return lock;
      }
      const found = readLock(path);
      if (found === undefined) continue; // released meanwhile
      if (!isStale(found)) throw inUse(dir, path, found.owner);
      breakStale(path, found.text);
    }
    throw new ConfigError(`could not take the lock ${path}: other processes keep taking it`, 'out');
  }

  /** Removes the lock file if it is still this lock's; idempotent. */
  release(): void {
    if (this.text === undefined || !held.delete(this.text)) return;
    if (readLock(this.path)?.text === this.text) rmSync(this.path, { force: true });
  }
}

/** Runs `fn` holding `dir`'s lock; FolderLock.acquire(dir) within `fn` shares it. */
export async function withFolderLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = FolderLock.acquire(dir);
  try {
    return await sharedLocks.run(new Set([...(sharedLocks.getStore() ?? []), lock.path]), fn);
  } finally {
    lock.release();
  }
}

function newOwner(): LockOwner {
  const command = process.argv.slice(1).join(' ');
  return {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command: command.length > 200 ? command.slice(0, 197) + '...' : command,
    nonce: Math.random().toString(36).slice(2, 12),
  };
}

/** Creates the lock with its whole text at once; false when a lock exists. */
function tryCreate(dir: string, path: string, text: string): boolean {
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  try {
    writeFileSync(draft, text, { flag: 'wx' });
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw outputFolderError(dir, error);
  } finally {
    rmSync(draft, { force: true });
  }
}

/** The lock file's text and owner (undefined owner: not a lock this program wrote); undefined when there is none. */
function readLock(path: string): { text: string; owner?: LockOwner } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? { text, owner } : { text };
  } catch {
    return { text };
  }
}

/** True when the owner is known to be gone: same host, and no process with its pid (or this process, not holding it). */
function isStale({ text, owner }: { text: string; owner?: LockOwner }): boolean {
  if (!owner || owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !held.has(text);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Deletes the stale lock whose text is `staleText`; leaves a lock another process has just taken. */
function breakStale(path: string, staleText: string): void {
  const aside = `${path}.stale.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another process broke it
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, path); // a fresh lock: put it back
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function inUse(dir: string, path: string, owner: LockOwner | undefined): ConfigError {
  if (!owner) return new ConfigError(`the output folder ${dir} is locked by ${path}, which this program did not write: if no sweep is using ${dir}, delete that file`, 'out');
  const who = owner.pid === process.pid ? 'this process' : `process ${owner.pid}${owner.host === hostname() ? '' : ` on host ${owner.host}`}`;
  return new ConfigError(
    `the output folder ${dir} is in use by another sweep (${who}, since ${owner.started}${owner.command ? `: ${owner.command}` : ''}): ` +
      `wait for it to finish or choose another --out; if that process is gone, delete ${path}`,
    'out',
  );
}

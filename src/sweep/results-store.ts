// results.jsonl in a sweep's output folder: one JSON record per line, each appended
// with a single write of the whole line as its run finishes, so a killed sweep
// loses at most the runs in flight. Whatever follows the last newline is a torn
// record from a killed process: it is never parsed, and opening for resume cuts
// it off so the next append starts on a fresh line. An open store holds the
// folder's lock (folder-lock.ts): one writer per results folder, until close().
// Node only (the browser keeps records in memory).
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../schema.js';
import { FolderLock } from './folder-lock.js';
import { checkRecord, type RecordSchemas } from './record-schema.js';
import type { TaskRecord } from './task.js';

export const RESULTS_FILE = 'results.jsonl';

/** A record as stored: always with its key. */
export type StoredRecord = TaskRecord & { key: string };

export interface ResultsFile {
  records: StoredRecord[];
  /** Bytes after the last newline (a torn last line), 0 when the file ends cleanly. */
  tornBytes: number;
  /** Length of the complete lines. */
  validBytes: number;
}

/**
 * Reads a results.jsonl; a complete line that is not JSON, or not a record
 * (record-schema.ts, with `schemas` per task kind if given), is an error naming
 * its line.
 */
export function readResultsFile(path: string, schemas?: RecordSchemas): ResultsFile {
  const bytes = readFileSync(path);
  const validBytes = bytes.lastIndexOf(0x0a) + 1;
  const records: StoredRecord[] = [];
  bytes
    .subarray(0, validBytes)
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        record = undefined;
      }
      if (!record || typeof record !== 'object' || typeof (record as { key?: unknown }).key !== 'string') {
        throw new ConfigError(`${path} line ${index + 1} is not a JSON record with a "key": fix or remove that line`, 'results');
      }
      try {
        checkRecord(record, schemas);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new ConfigError(`${path} line ${index + 1} is not a valid record: ${error.message}; fix or remove that line`, 'results');
      }
      records.push(record as StoredRecord);
    });
  return { records, tornBytes: bytes.length - validBytes, validBytes };
}

export class ResultsStore {
  private readonly byKey = new Map<string, StoredRecord>();
  private closed = false;

  private constructor(
    readonly path: string,
    records: StoredRecord[],
    /** Bytes of a torn last line that opening cut off (0 when there was none). */
    readonly repairedBytes: number,
    private readonly lock: FolderLock,
  ) {
    for (const record of records) this.byKey.set(record.key, record);
  }

  /**
   * Takes the lock of `dir` (creating the folder, checking it is writable) and
   * opens <dir>/results.jsonl. An existing file is an error unless `resume`; when
   * resuming, its records are loaded and a torn last line cut off. Call close()
   * when done.
   */
  static open(dir: string, options: { resume?: boolean; schemas?: RecordSchemas } = {}): ResultsStore {
    const lock = FolderLock.acquire(dir);
    try {
      const path = join(dir, RESULTS_FILE);
      if (!existsSync(path)) return new ResultsStore(path, [], 0, lock);
      const file = readResultsFile(path, options.schemas);
      if (!options.resume) {
        throw new ConfigError(
          `${path} already exists (${file.records.length} records): resume that sweep (--resume) or choose another output folder (--out)`,
          'out',
        );
      }
      if (file.tornBytes) truncateSync(path, file.validBytes);
      return new ResultsStore(path, file.records, file.tornBytes, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Releases the folder's lock; the store takes no appends after. */
  close(): void {
    this.lock.release();
    this.closed = true;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): StoredRecord | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Appends one record as one line, with one write. */
  append(record: StoredRecord): void {
    if (this.closed) throw new Error(`${this.path}: the store is closed`);
    appendFileSync(this.path, JSON.stringify(record) + '\n');
    this.byKey.set(record.key, record);
  }
}

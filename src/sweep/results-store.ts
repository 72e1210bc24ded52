// results.jsonl in a sweep's output folder: one JSON record per line, each appended
// with a single write of the whole line as its run finishes, so a killed sweep
// loses at most the runs in flight. Whatever follows the last newline is a torn
// record from a killed process unless it is a whole valid record (a file edited
// by hand may lack the last newline). Opening for resume rewrites the file
// (atomically) when it must: a torn line is cut off, a missing last newline added,
// a key recorded twice keeps its last record, and with retryFailed the failed
// records are dropped (their runs are run again). An open store holds the
// folder's lock (folder-lock.ts): one writer per results folder, until close().
// Node only (the browser keeps records in memory).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../io/atomic-write.js';
import { ConfigError } from '../schema.js';
import { FolderLock } from './folder-lock.js';
import { checkRecord, type RecordSchemas } from './record-schema.js';
import type { TaskRecord } from './task.js';

export const RESULTS_FILE = 'results.jsonl';

/** A record as stored: always with its key. */
export type StoredRecord = TaskRecord & { key: string };

export interface ResultsFile {
  records: StoredRecord[];
  /** Each record's line as stored (without its newline). */
  lines: string[];
  /** Bytes of a torn last line (after the last newline, not a whole record), 0 when there is none. */
  tornBytes: number;
  /** True when the last line is a whole record without its newline. */
  missingNewline: boolean;
}

/**
 * Reads a results.jsonl; a complete line that is not JSON, or not a record
 * (record-schema.ts, with `schemas` per task kind if given), is an error naming
 * its line.
 */
export function readResultsFile(path: string, schemas?: RecordSchemas): ResultsFile {
  const bytes = readFileSync(path);
  const completeBytes = bytes.lastIndexOf(0x0a) + 1;
  const records: StoredRecord[] = [];
  const lines: string[] = [];
  const complete = bytes.subarray(0, completeBytes).toString('utf8').split('\n');
  complete.forEach((line, index) => {
    if (!line.trim()) return;
    records.push(parseLine(line, `${path} line ${index + 1}`, schemas));
    lines.push(line);
  });
  const tail = bytes.subarray(completeBytes).toString('utf8');
  const last = tail.trim() ? wholeRecord(tail, schemas) : undefined;
  if (last) {
    records.push(last);
    lines.push(tail);
  }
  return { records, lines, tornBytes: last ? 0 : bytes.length - completeBytes, missingNewline: last !== undefined };
}

/** A line's record; an error naming the line when it is not one. */
function parseLine(line: string, name: string, schemas?: RecordSchemas): StoredRecord {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = undefined;
  }
  if (!record || typeof record !== 'object' || typeof (record as { key?: unknown }).key !== 'string') {
    throw new ConfigError(`${name} is not a JSON record with a "key": fix or remove that line`, 'results');
  }
  try {
    checkRecord(record, schemas);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${name} is not a valid record: ${error.message}; fix or remove that line`, 'results');
  }
  return record as StoredRecord;
}

/** The record a text after the last newline holds when it is a whole valid one; undefined for a torn line. */
function wholeRecord(text: string, schemas?: RecordSchemas): StoredRecord | undefined {
  try {
    return parseLine(text, 'the last line', schemas);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
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

  /** The records resuming keeps (by index, in file order): the last of each key, failed ones dropped when retryFailed. */
  private static kept(file: ResultsFile, retryFailed: boolean): number[] {
    const last = new Map(file.records.map((record, i) => [record.key, i]));
    return file.records.flatMap((record, i) => (last.get(record.key) === i && !(retryFailed && record.status === 'failed') ? [i] : []));
  }

  /**
   * Takes the lock of `dir` (creating the folder, checking it is writable) and
   * opens <dir>/results.jsonl. An existing file is an error unless `resume`; when
   * resuming, its records are loaded and the file repaired as the header says
   * (`retryFailed`: failed records dropped, so that their runs are run again).
   * Call close() when done.
   */
  static open(dir: string, options: { resume?: boolean; retryFailed?: boolean; schemas?: RecordSchemas } = {}): ResultsStore {
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
      const kept = ResultsStore.kept(file, options.retryFailed ?? false);
      if (file.tornBytes || file.missingNewline || kept.length !== file.records.length) {
        writeFileAtomicSync(path, kept.map((i) => file.lines[i] + '\n').join(''));
      }
      return new ResultsStore(path, kept.map((i) => file.records[i]), file.tornBytes, lock);
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

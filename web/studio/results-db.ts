// The page's results.jsonl: every finished record in IndexedDB (through `idb`),
// keyed by its run key exactly as results.jsonl keys it, so a reload, a second
// tab or an imported results.jsonl skips the runs already done.
import { openDB, type IDBPDatabase } from 'idb';
import { checkRecord } from '../../src/sweep/record-schema.js';
import type { StoredRecord } from '../../src/sweep/results-store.js';

const DB_NAME = 'mnist1d';
const STORE = 'records';

let opened: Promise<IDBPDatabase> | undefined;

function db(): Promise<IDBPDatabase> {
  opened ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'key' });
    },
  });
  return opened;
}

/** The stored records of `keys`, in order (undefined where a run has none). */
export async function getRecords(keys: readonly string[]): Promise<(StoredRecord | undefined)[]> {
  const tx = (await db()).transaction(STORE, 'readonly');
  return Promise.all(keys.map((key) => tx.store.get(key) as Promise<StoredRecord | undefined>));
}

export async function putRecord(record: StoredRecord): Promise<void> {
  await (await db()).put(STORE, record);
}

export async function countRecords(): Promise<number> {
  return (await db()).count(STORE);
}

export async function clearRecords(): Promise<void> {
  await (await db()).clear(STORE);
}

/**
 * Reads a results.jsonl: every complete line must be a record (record-schema.ts);
 * an error names the line. A torn last line (no newline) is ignored, as on resume.
 */
export function parseResultsJsonl(text: string): StoredRecord[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const records: StoredRecord[] = [];
  complete.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1} is not JSON`);
    }
    try {
      checkRecord(record);
    } catch (error) {
      throw new Error(`line ${index + 1} is not a record: ${(error as Error).message}`);
    }
    records.push(record as StoredRecord);
  });
  return records;
}

/** Stores every record of a results.jsonl text; returns how many. */
export async function importResults(text: string): Promise<number> {
  const records = parseResultsJsonl(text);
  const tx = (await db()).transaction(STORE, 'readwrite');
  await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
  return records.length;
}

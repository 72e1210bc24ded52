import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/schema.js';
import { RESULTS_FILE, ResultsStore } from '../src/sweep/results-store.js';

const record = (key: string, acc: number) => ({ key, config: { model: 'linear' }, status: 'ok' as const, test_acc: acc });
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('ResultsStore', () => {
  it('appends one full JSON line per record and reads them back on resume', () => {
    const dir = tempDir();
    const store = ResultsStore.open(dir);
    store.append(record('a', 0.5));
    store.append(record('b', 0.75));
    const text = readFileSync(join(dir, RESULTS_FILE), 'utf8');
    expect(text.split('\n')).toEqual([JSON.stringify(record('a', 0.5)), JSON.stringify(record('b', 0.75)), '']);
    const resumed = ResultsStore.open(dir, { resume: true });
    expect(resumed.size).toBe(2);
    expect(resumed.get('b')).toEqual(record('b', 0.75));
    expect(resumed.repairedBytes).toBe(0);
  });

  it('ignores a torn last line from a killed process and repairs the file before the next append', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    const torn = JSON.stringify(record('c', 0.9)).slice(0, 25);
    writeFileSync(path, JSON.stringify(record('a', 0.5)) + '\n' + JSON.stringify(record('b', 0.6)) + '\n' + torn);
    const store = ResultsStore.open(dir, { resume: true });
    expect(['a', 'b', 'c'].map((k) => store.has(k))).toEqual([true, true, false]);
    expect(store.repairedBytes).toBe(Buffer.byteLength(torn));
    store.append(record('c', 0.9));
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines.slice(0, 3).map((line) => JSON.parse(line).key)).toEqual(['a', 'b', 'c']);
  });

  it('never parses a torn line as data, even one that happens to be valid JSON', () => {
    const dir = tempDir();
    writeFileSync(join(dir, RESULTS_FILE), JSON.stringify(record('a', 0.5)) + '\n' + JSON.stringify(record('b', 0.6)));
    const store = ResultsStore.open(dir, { resume: true });
    expect(store.has('a')).toBe(true);
    expect(store.has('b')).toBe(false);
  });

  it('refuses an existing results file unless resuming, naming the file and the way out', () => {
    const dir = tempDir();
    ResultsStore.open(dir).append(record('a', 0.5));
    expect(() => ResultsStore.open(dir)).toThrow(ConfigError);
    expect(() => ResultsStore.open(dir)).toThrow(/results\.jsonl already exists \(1 records\).*--resume/);
  });

  it('reports a complete line that is not a record by its line number', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    writeFileSync(path, JSON.stringify(record('a', 0.5)) + '\n');
    appendFileSync(path, '{"no key": true}\n');
    expect(() => ResultsStore.open(dir, { resume: true })).toThrow(/line 2 is not a JSON record with a "key"/);
  });
});

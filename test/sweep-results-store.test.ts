import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../src/schema.js';
import { configError } from './config-error.js';
import { parseRunConfig } from '../src/train/config.js';
import { RESULTS_FILE, ResultsStore } from '../src/sweep/results-store.js';

// A stored 'train' record as a sweep writes it (fully-defaulted config, every RunRecord field).
const config = parseRunConfig({ model: 'linear', steps: 10 });
const record = (key: string, acc: number) => ({
  key,
  config,
  status: 'ok' as const,
  train_loss: 1.5,
  train_acc: acc,
  test_loss: 1.6,
  test_acc: acc,
  steps: 10,
  wall_s: 0.01,
  steps_per_s: 1000,
  history: [{ step: 10, train_loss: 1.5, train_acc: acc, test_loss: 1.6, test_acc: acc }],
});
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
    store.close();
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

  it('keeps a whole valid last line that lacks its newline (not re-run), adding the newline; a torn one is never parsed', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    const lines = [JSON.stringify(record('a', 0.5)), JSON.stringify(record('b', 0.6))];
    writeFileSync(path, lines.join('\n'));
    const store = ResultsStore.open(dir, { resume: true });
    expect([store.has('a'), store.has('b'), store.repairedBytes]).toEqual([true, true, 0]);
    expect(readFileSync(path, 'utf8')).toBe(lines.join('\n') + '\n');
    store.append(record('c', 0.7));
    store.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line).key)).toEqual(['a', 'b', 'c']);
    for (const cut of [1, 40, lines[1].length - 1]) {
      writeFileSync(path, lines[0] + '\n' + lines[1].slice(0, cut));
      const reopened = ResultsStore.open(dir, { resume: true });
      expect([reopened.has('a'), reopened.has('b')]).toEqual([true, false]);
      reopened.close();
    }
  });

  it('keeps one record per key on resume (the last), rewriting the file; with retryFailed drops failed records', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    const failed = { ...record('b', 0), status: 'failed', reason: 'WORKER_EXIT: gone', train_loss: null, train_acc: null, test_loss: null, test_acc: null, steps: 0, steps_per_s: 0, history: [] };
    const text = [record('a', 0.5), record('b', 0.6), record('a', 0.7), failed, record('c', 0.8)].map((r) => JSON.stringify(r) + '\n').join('');
    writeFileSync(path, text);
    const store = ResultsStore.open(dir, { resume: true });
    expect([store.size, store.get('a')!.test_acc, store.get('b')!.status]).toEqual([3, 0.7, 'failed']);
    store.close();
    const keys = () => readFileSync(path, 'utf8').trim().split('\n').map((line) => `${JSON.parse(line).key}:${JSON.parse(line).status}`);
    expect(keys()).toEqual(['a:ok', 'b:failed', 'c:ok']);
    const retrying = ResultsStore.open(dir, { resume: true, retryFailed: true });
    expect([retrying.size, retrying.has('b')]).toEqual([2, false]);
    retrying.close();
    expect(keys()).toEqual(['a:ok', 'c:ok']);
  });

  it('refuses an existing results file unless resuming, naming the file and the way out', () => {
    const dir = tempDir();
    const store = ResultsStore.open(dir);
    store.append(record('a', 0.5));
    store.close();
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

  it('checks every stored record with the record schema, reporting a bad one by its line number', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    const lines = (second: unknown) => writeFileSync(path, [record('a', 0.5), second, record('c', 0.7)].map((r) => JSON.stringify(r) + '\n').join(''));
    const resumeError = () => configError(() => ResultsStore.open(dir, { resume: true })).message;
    // The case: a line replaced by a bare key of an existing run.
    lines({ key: 'a' });
    expect(resumeError()).toMatch(/results\.jsonl line 2 is not a valid record: config is required.*fix or remove that line$/);
    lines({ ...record('b', 0.6), status: 'done' });
    expect(resumeError()).toMatch(/line 2 is not a valid record: status must be one of ok, diverged, failed, got "done"/);
    lines({ ...record('b', 0.6), config: { ...config, model: 'transformer' } });
    expect(resumeError()).toMatch(/line 2 is not a valid record: config\.model must be one of/);
    lines({ ...record('b', 0.6), history: [{ step: 1 }] });
    expect(resumeError()).toMatch(/line 2 is not a valid record: history\.0\.train_loss is required/);
    lines({ ...record('b', 0.6), steps: -1 });
    expect(resumeError()).toMatch(/line 2 is not a valid record: steps must be an integer >= 0, got -1/);
  });

  it('accepts failed and diverged records and checks other kinds by their envelope or a supplied schema', () => {
    const dir = tempDir();
    const path = join(dir, RESULTS_FILE);
    const failed = { ...record('f', 0), status: 'failed', reason: 'WASM_ABORT: boom', train_loss: null, train_acc: null, test_loss: null, test_acc: null, steps: 0, history: [] };
    const diverged = { ...record('d', 0.1), status: 'diverged', reason: 'non-finite', history: [{ step: 0, train_loss: null, train_acc: 0.1, test_loss: null, test_acc: 0.1 }] };
    const chain = { key: 'l', kind: 'lottery-chain', config: { hidden: 10 }, status: 'ok', levels: [] };
    writeFileSync(path, [failed, diverged, chain].map((r) => JSON.stringify(r) + '\n').join(''));
    const store = ResultsStore.open(dir, { resume: true });
    expect(store.size).toBe(3);
    store.close();
    const schemas = { 'lottery-chain': z.object({ levels: z.array(z.number()).min(1) }) };
    expect(() => ResultsStore.open(dir, { resume: true, schemas })).toThrow(/line 3 is not a valid record: levels/);
    writeFileSync(path, JSON.stringify({ ...chain, config: 'x' }) + '\n');
    expect(() => ResultsStore.open(dir, { resume: true })).toThrow(/line 1 is not a valid record: config must be an object/);
  });
});

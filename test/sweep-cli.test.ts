// `mnist1d sweep` as a user runs it: a child process (node bin/mnist1d.js), killed
// with SIGKILL or interrupted with SIGINT mid-way, then resumed. Needs the build
// (`npm test` runs it first).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseWorkers } from '../src/cli/sweep.js';
import { expandGrid } from '../src/sweep/grid.js';
import { runKey } from '../src/sweep/normalize.js';

const repoRoot = resolve(import.meta.dirname, '..');
const bin = join(repoRoot, 'bin/mnist1d.js');
// Six runs, long enough (a few tenths of a second each on one worker) to be killed mid-sweep.
const grid = { base: { model: 'mlp', hidden: 64, steps: 1000, evalEvery: 250, dataset: { numSamples: 1000 } }, axes: { seed: [1, 2, 3, 4, 5, 6] } };
const expectedKeys = expandGrid(grid).map((c) => runKey(c)).sort();

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-cli-sweep-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function writeGrid(dir: string, value: unknown): string {
  const file = join(dir, 'grid.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

/** Starts a sweep and resolves once results.jsonl holds `lines` records. */
async function startAndWait(args: string[], results: string, lines: number): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(results) && readFileSync(results, 'utf8').split('\n').length > lines)) {
    if (child.exitCode !== null) throw new Error(`the sweep ended before ${lines} records: ${stderr}`);
    if (Date.now() > deadline) throw new Error('no record after 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited };
}

function recordKeys(results: string): string[] {
  const text = readFileSync(results, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).key as string);
}

describe('mnist1d sweep', () => {
  it('resumes a sweep killed with SIGKILL, ending with every run exactly once and no torn record', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const args = ['sweep', '--grid', writeGrid(dir, grid), '--workers', '1', '--out', out];
    const { child, exited } = await startAndWait(args, results, 1);
    child.kill('SIGKILL');
    await exited;
    const before = recordKeys(results);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(6); // killed mid-way
    // What a kill in the middle of a write would leave: half a record, no newline.
    appendFileSync(results, '{"key":"0123456789abcdef","config":{"mod');

    const resumed = cli([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(/error/i);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`6 runs \\(${before.length} skipped as already done\\), 0 failed`));
    const after = recordKeys(results);
    expect(after.slice(0, before.length)).toEqual(before);
    expect([...after].sort()).toEqual(expectedKeys);
  });

  it('stops on Ctrl-C with exit code 130, leaving only whole records', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const { child, exited } = await startAndWait(['sweep', '--grid', writeGrid(dir, grid), '--workers', '2', '--out', out], results, 1);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const sent = performance.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(performance.now() - sent).toBeLessThan(10_000); // generous: CI machines are loaded; the pool test bounds the stop itself
    expect(stderr).toMatch(/sweep cancelled.*--resume/);
    const keys = recordKeys(results);
    expect(keys.length).toBeLessThan(6);
    expect(keys.every((key) => expectedKeys.includes(key))).toBe(true);
  });

  it('on SIGTERM before any run finished, says that nothing was written instead of naming a missing results.jsonl', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const slow = { runs: [{ model: 'mlp', hidden: 256, steps: 200000, evalEvery: 0, dataset: { numSamples: 1000 } }] };
    const child = spawn(process.execPath, [bin, 'sweep', '--grid', writeGrid(dir, slow), '--workers', '1', '--out', out], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    while (!stderr.includes('runs to do')) await new Promise((wait) => setTimeout(wait, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/sweep cancelled before any run finished \(no .*results\.jsonl was written\): run it again to start over\n$/);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('refuses an output folder that has results unless --resume', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const one = { runs: [{ model: 'linear', steps: 50, dataset: { numSamples: 1000 } }] };
    const file = writeGrid(dir, one);
    const first = cli(['sweep', '--grid', file, '--out', out]);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/\[1\/1\] ok test_acc=/); // not a TTY: plain progress lines
    const again = cli(['sweep', '--grid', file, '--out', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^mnist1d: .*results\.jsonl already exists \(1 records\): resume that sweep \(--resume\) or choose another output folder \(--out\)\n$/);
    const resumed = cli(['sweep', '--grid', file, '--out', out, '--resume']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/1 runs \(1 skipped as already done\)/);
  });

  it('rejects a bad grid before any work, naming the entry', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const bad = cli(['sweep', '--grid', writeGrid(dir, { runs: [{ model: 'mlp' }, { model: 'mlp', lr: -1 }] }), '--out', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('mnist1d: runs[1].lr must be a number > 0, got -1\n');
    expect(existsSync(out)).toBe(false);
    const workers = cli(['sweep', '--grid', writeGrid(dir, grid), '--workers', '0', '--out', out]);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toBe('mnist1d: --workers must be an integer >= 1, got "0"\n');
  });

  it('caps --workers at the number of cores, with a warning', () => {
    const warn = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(parseWorkers('16', 16)).toBe(16);
    expect(warn).not.toHaveBeenCalled();
    expect(parseWorkers('64', 16)).toBe(16);
    expect(warn).toHaveBeenCalledWith('mnist1d: --workers 64 is more than the 16 cores of this machine: using 16 (more workers would only add memory)');
    warn.mockRestore();
  });

  it('exits 3 while runs are recorded as failed, keeping every record; --retry-failed runs them again', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const file = writeGrid(dir, { base: { model: 'linear', steps: 20, dataset: { numSamples: 200 } }, axes: { seed: [1, 2] } });
    expect(cli(['sweep', '--grid', file, '--out', out]).status).toBe(0);
    const [first, second] = readFileSync(results, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = { ...first, status: 'failed', reason: 'WORKER_EXIT: the worker exited', train_loss: null, train_acc: null, test_loss: null, test_acc: null, steps: 0, steps_per_s: 0, history: [] };
    writeFileSync(results, JSON.stringify(failed) + '\n' + JSON.stringify(second) + '\n');
    const resumed = cli(['sweep', '--grid', file, '--out', out, '--resume']);
    expect(resumed.status).toBe(3);
    expect(resumed.stderr).toMatch(/mnist1d: 1 of 2 runs failed \(their records say why\); run them again with --resume --retry-failed\n$/);
    expect(recordKeys(results)).toHaveLength(2);
    expect(cli(['sweep', '--grid', file, '--out', out, '--retry-failed']).status).toBe(2); // needs --resume
    const retried = cli(['sweep', '--grid', file, '--out', out, '--resume', '--retry-failed']);
    expect(retried.status).toBe(0);
    expect(retried.stdout).toMatch(/2 runs \(1 skipped as already done\), 0 failed/);
    const lines = readFileSync(results, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((r) => [r.key, r.status])).toEqual([[second.key, 'ok'], [first.key, 'ok']]); // the failed record replaced
    expect(lines[1].test_acc).toBe(first.test_acc);
  });

  it('documents the grid format with an example, --retry-failed and the exit codes in --help', () => {
    const help = cli(['sweep', '--help']);
    expect(help.status).toBe(0);
    for (const text of ['--grid <file>', '--workers <n>', '--out <dir>', '--resume', '--retry-failed', 'Exit status:', '3 finished', '"axes"', '"runs"', 'dataset.<arg>', 'Example:']) {
      expect(help.stdout).toContain(text);
    }
  });
});

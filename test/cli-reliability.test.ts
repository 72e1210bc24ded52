// The CLI as a user runs it (child processes; needs the build): two sweeps on one
// --out, a damaged results.jsonl, output folders that cannot be written.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../src/sweep/grid.js';
import { runKey } from '../src/sweep/normalize.js';
import { makeReadOnlyFolder } from './read-only-folder.js';

const repoRoot = resolve(import.meta.dirname, '..');
const bin = join(repoRoot, 'bin/mnist1d.js');
// The grid: 8 runs, each long enough that a second sweep starts while the first runs.
const grid = { base: { model: 'mlp', hidden: 64, steps: 1000, evalEvery: 250, dataset: { numSamples: 1000 } }, axes: { seed: [1, 2, 3, 4, 5, 6, 7, 8] } };
const expectedKeys = expandGrid(grid).map((c) => runKey(c)).sort();

const dirs: string[] = [];
const children: ChildProcess[] = [];
const readOnly = makeReadOnlyFolder();
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  readOnly?.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function setUp(): { dir: string; gridFile: string; out: string; results: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-reliability-'));
  dirs.push(dir);
  const gridFile = join(dir, 'grid.json');
  writeFileSync(gridFile, JSON.stringify(grid));
  const out = join(dir, 'out');
  return { dir, gridFile, out, results: join(out, 'results.jsonl') };
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
}

/** Starts a sweep; `exited` resolves to its exit code and stderr. */
function start(args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return { child, exited: new Promise((done) => child.on('exit', (code) => done({ code, stderr }))) };
}

function recordKeys(results: string): string[] {
  return readFileSync(results, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).key as string);
}

/** Resolves once `file` exists (the first sweep has taken its lock, or written a record). */
async function waitFor(file: string, child: ChildProcess): Promise<void> {
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`the sweep ended before ${file} appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('one writer per results folder', () => {
  it('two sweeps started together on one --out: one runs every run once, the other exits 2', async () => {
    const { gridFile, out, results } = setUp();
    const args = ['sweep', '--grid', gridFile, '--out', out, '--workers', '1'];
    const [a, b] = [start(args), start(args)];
    const ends = await Promise.all([a.exited, b.exited]);
    expect(ends.map((e) => e.code).sort()).toEqual([0, 2]);
    // The loser found the folder locked, or (if the winner had already finished) its results.jsonl.
    const refusal = ends.find((e) => e.code === 2)!.stderr.trim();
    expect(refusal.split('\n')).toHaveLength(1);
    expect(refusal).toMatch(/is in use by another sweep \(process \d+|results\.jsonl already exists/);
    expect(recordKeys(results).sort()).toEqual(expectedKeys);
  });

  it('a --resume started while a sweep runs exits 2 naming it, and the first finishes every run once', async () => {
    const { gridFile, out, results } = setUp();
    const args = ['sweep', '--grid', gridFile, '--out', out, '--workers', '1'];
    const first = start(args);
    await waitFor(join(out, '.mnist1d.lock'), first.child);
    const second = cli([...args, '--resume']);
    expect(second.status).toBe(2);
    expect(second.stderr.trim()).toMatch(new RegExp(`^mnist1d: the output folder .* is in use by another sweep \\(process ${first.child.pid}, since .*sweep --grid .*\\): wait for it to finish`));
    expect((await first.exited).code).toBe(0);
    expect(recordKeys(results).sort()).toEqual(expectedKeys);
    expect(existsSync(join(out, '.mnist1d.lock'))).toBe(false);
  });
});

describe('a large grid', () => {
  it('prints progress while it is validated, then the first bad run (exit 2)', () => {
    const { gridFile, out } = setUp();
    writeFileSync(gridFile, JSON.stringify({ base: grid.base, axes: { lr: [0.01, -1], seed: Array.from({ length: 10_000 }, (_, i) => i) } }));
    const result = cli(['sweep', '--grid', gridFile, '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'validating the grid: 10000 of 20000 runs',
      'mnist1d: axes.lr[1] must be a number > 0, got -1',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('over the cap is refused at once, with the cap and how to raise it', () => {
    const { gridFile, out } = setUp();
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    writeFileSync(gridFile, JSON.stringify({ base: grid.base, axes: { hidden: hundred, seed: hundred, batchSize: hundred, evalEvery: hundred } }));
    const result = cli(['sweep', '--grid', gridFile, '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^mnist1d: the grid has 100000000 runs .*more than maxRuns = 100000: .*raise "maxRuns" in the grid \(at most 500000\)$/);
  });
});

describe('a damaged results.jsonl', () => {
  it('a record replaced by a bare existing key is reported by its line before any run (exit 2)', () => {
    const { gridFile, out, results } = setUp();
    const small = { ...grid, base: { ...grid.base, steps: 50 }, axes: { seed: [1, 2, 3] } };
    writeFileSync(gridFile, JSON.stringify(small));
    const args = ['sweep', '--grid', gridFile, '--out', out, '--workers', '1'];
    expect(cli(args).status).toBe(0);
    const lines = readFileSync(results, 'utf8').trim().split('\n');
    lines[1] = JSON.stringify({ key: JSON.parse(lines[1]).key });
    lines.pop(); // one run left to do, which must not run
    writeFileSync(results, lines.join('\n') + '\n');
    const resumed = cli([...args, '--resume']);
    expect(resumed.status).toBe(2);
    expect(resumed.stderr.trim()).toMatch(/^mnist1d: .*results\.jsonl line 2 is not a valid record: config is required .*fix or remove that line$/);
    expect(readFileSync(results, 'utf8').trim().split('\n')).toEqual(lines);
  });
});

describe('an output folder that cannot be written', () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    ['a file', (dir) => join(dir, 'grid.json'), /a file is in the way .*\(EEXIST\)$/],
    ['an empty name', () => '', /must name a folder, got ""$/],
  ];
  if (readOnly) cases.push(['a read-only mount', () => readOnly.path, /the file system is read-only \(EROFS\)$/]);
  it.each(cases)('generate --out naming %s exits 2 with one line, before generating', (_, outDir, message) => {
    const { dir } = setUp();
    const result = cli(['generate', '--out', outDir(dir), '--num-samples', '100']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(/^mnist1d: /);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it.each(cases)('sweep --out naming %s exits 2 with one line, before any run', (_, outDir, message) => {
    const { dir, gridFile } = setUp();
    const result = cli(['sweep', '--grid', gridFile, '--out', outDir(dir), '--workers', '1']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(/^mnist1d: /);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

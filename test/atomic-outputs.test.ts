// Outputs are written whole or not at all: a write that fails half way (a full
// disk, simulated by a writeFile that writes half its data, then fails with
// ENOSPC) leaves nothing under a final name and no temporary file behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyStudy } from '../src/experiments/study.js';
import { runStudy } from '../src/experiments/run-study.js';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { writeFigure } from '../src/plot/files.js';
import type { Figure } from '../src/plot/spec.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return { ...original, writeFile: vi.fn(original.writeFile) };
});
const realWriteFile = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).writeFile;

/** From now on, a write to a file whose name contains `name` stops half way with ENOSPC. */
function diskFullFor(name: string): void {
  vi.mocked(fs.writeFile).mockImplementation(async (path, data, ...rest) => {
    if (!String(path).includes(name)) return realWriteFile(path, data, ...rest);
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array);
    await realWriteFile(path, bytes.subarray(0, bytes.length >> 1));
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(path)}'`), { code: 'ENOSPC' });
  });
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-atomic-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => vi.mocked(fs.writeFile).mockImplementation(realWriteFile));
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const figure: Figure = {
  name: 'curve',
  spec: { data: { values: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
};

// A study of one tiny run, with one figure.
const tinyStudy: AnyStudy = {
  name: 'tiny',
  title: 'tiny',
  about: 'one tiny run',
  defaults: {},
  quick: {},
  tasks: () => [{ kind: 'train', config: { model: 'linear', steps: 20, dataset: { numSamples: 200 } }, datasets: [] }],
  summarize: (records) => ({ markdown: `# tiny\n\n${records.length} record`, effects: {} }),
  figures: () => [figure],
} as unknown as AnyStudy;

describe('atomic outputs', () => {
  it('a file is complete under its final name, or absent', async () => {
    const dir = tempDir();
    const path = join(dir, 'summary.md');
    await writeFileAtomic(path, 'first\n');
    diskFullFor('summary.md');
    await expect(writeFileAtomic(path, 'second, much longer\n')).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('first\n'); // the old file, untouched
    expect(readdirSync(dir)).toEqual(['summary.md']);
  });

  it('a figure is written as SVG, PNG and spec together: a failed PNG leaves none of them', async () => {
    const dir = tempDir();
    diskFullFor('.png');
    await expect(writeFigure(dir, figure)).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
    vi.mocked(fs.writeFile).mockImplementation(realWriteFile);
    await writeFigure(dir, figure);
    expect(readdirSync(dir).sort()).toEqual(['curve.png', 'curve.svg', 'curve.vl.json']);
  });

  it('a study that hits a full disk leaves its records, no truncated figure and no summary; resuming completes it', async () => {
    const outDir = tempDir();
    diskFullFor('.png');
    await expect(runStudy(tinyStudy, {}, { outDir, workers: 1 })).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(outDir)).toEqual(['results.jsonl']);
    vi.mocked(fs.writeFile).mockImplementation(realWriteFile);
    const result = await runStudy(tinyStudy, {}, { outDir, workers: 1, resume: true });
    expect(result.skipped).toBe(1);
    expect(readdirSync(outDir).sort()).toEqual(['curve.png', 'curve.svg', 'curve.vl.json', 'results.jsonl', 'summary.json', 'summary.md']);
    expect(existsSync(join(outDir, '.mnist1d.lock'))).toBe(false);
  }, 60_000);
});

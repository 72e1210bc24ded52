// Shared by the experiments-*.test.ts files: runs a study preset through the package
// root's API (on two workers, the CI machine's cores) into a temporary folder, and
// checks a written figure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { getStudy, resolveSettings, runStudy, type StudyRunResult } from '../src/index.js';

const dirs: string[] = [];

export async function runPreset(name: string, options: { quick?: boolean; set?: string[] } = {}): Promise<StudyRunResult & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `mnist1d-${name}-`));
  dirs.push(dir);
  const study = getStudy(name);
  const result = await runStudy(study, resolveSettings(study, options), { outDir: dir, workers: 2 });
  return { ...result, dir };
}

export function removeRunDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** <dir>/<name>.svg holds these texts (axis titles, legends) and <name>.png is a PNG of a sensible size. */
export function expectFigure(dir: string, name: string, texts: string[]): void {
  const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
  for (const text of texts) expect(svg, `${name}.svg should contain ${JSON.stringify(text)}`).toContain(text);
  const png = readFileSync(join(dir, `${name}.png`));
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.readUInt32BE(16)).toBeGreaterThan(400); // IHDR width, 2x scale
  expect(png.readUInt32BE(20)).toBeGreaterThan(300); // IHDR height
}

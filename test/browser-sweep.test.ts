// The browser path end to end: `vite build` of web/, served from a temporary folder
// by a small static server, opened in Debian's Chromium through playwright-core.
// The page runs a tiny sweep on 2 Web Workers and its records must equal, bit for
// bit (timings aside), the records of the same grid run in Node. Served with
// COOP/COEP (/isolated/) the dataset must reach the workers as one
// SharedArrayBuffer; served without them (/plain/) as transferred copies.
// Set MNIST1D_WEB_SCREENSHOT=/path.png to keep a screenshot of the finished page.
// Without Chromium the file is skipped with one line, except under CI (./chromium.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { expandGrid } from '../src/sweep/grid.js';
import { InProcessExecutor } from '../src/sweep/in-process.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { RunRecord } from '../src/train/types.js';
import type { DatasetDelivery } from '../web/watched-executor.js';
import { CHROMIUM_ARGS, serve, stopServer } from './browser-harness.js';
import { findChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const chromiumLookup = findChromium();
if ('skip' in chromiumLookup) console.warn(chromiumLookup.skip);

// 4 runs: logistic and MLP, two init seeds, 300 steps on 1000 samples.
const GRID = {
  base: { steps: 300, evalEvery: 100, dataset: { numSamples: 1000 } },
  axes: { model: ['linear', 'mlp'], seed: [1, 2] },
};
const WORKERS = 2;

/** A record without its timings, which differ from run to run. */
function untimed(record: RunRecord): Omit<RunRecord, 'wall_s' | 'steps_per_s'> {
  const { wall_s, steps_per_s, ...rest } = record;
  expect(wall_s).toBeGreaterThan(0);
  expect(steps_per_s).toBeGreaterThan(0);
  return rest;
}

/** What web/main.ts puts on window. */
interface PageApi {
  runSweep(grid: unknown, workers?: number): Promise<RunRecord[]>;
  datasets: DatasetDelivery[];
}

interface PageSweep {
  isolated: boolean;
  records: RunRecord[];
  datasets: DatasetDelivery[];
}

describe.skipIf('skip' in chromiumLookup)('the browser page', () => {
  let outDir: string;
  let server: Server | undefined;
  let origin: string;
  let browser: Browser | undefined;
  let nodeRecords: RunRecord[];

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'mnist1d-web-'));
    await promisify(execFile)(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
      { cwd: repoRoot, timeout: 60_000 },
    );
    ({ server, origin } = await serve(outDir));
    browser = await chromium.launch({ executablePath: 'path' in chromiumLookup ? chromiumLookup.path : undefined, args: CHROMIUM_ARGS, timeout: 30_000 });

    const executor = new InProcessExecutor(taskKinds);
    try {
      nodeRecords = (await runSweep<RunRecord>(expandGrid(GRID), { executor })).records;
    } finally {
      await executor.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stopServer(server);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the page in `mode` and runs GRID on WORKERS Web Workers through window.mnist1d. */
  async function sweepInPage(mode: 'isolated' | 'plain', after?: (page: Page) => Promise<void>): Promise<PageSweep> {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    try {
      await page.goto(`${origin}/${mode}/`, { timeout: 15_000 });
      await page.waitForFunction(() => 'mnist1d' in window, undefined, { timeout: 15_000 });
      const result = await page.evaluate(
        async ([grid, workers]) => {
          const api = (window as unknown as { mnist1d: PageApi }).mnist1d;
          const records = await api.runSweep(grid, workers);
          return { isolated: crossOriginIsolated, records, datasets: api.datasets };
        },
        [GRID, WORKERS] as const,
      );
      await after?.(page);
      expect(problems).toEqual([]);
      return result;
    } finally {
      await page.close();
    }
  }

  it('runs a sweep in Web Workers on one shared dataset, with the records Node gives', async () => {
    const screenshot = process.env.MNIST1D_WEB_SCREENSHOT;
    const result = await sweepInPage('isolated', async (page) => {
      await expect.poll(() => page.locator('#results tbody .status-ok').count()).toBe(4);
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    });

    expect(result.isolated).toBe(true);
    expect(result.datasets).toHaveLength(1);
    expect(result.datasets[0].shared).toBe(true);
    // The grid's runs in input order, each trained to the end.
    expect(result.records.map((r) => [r.config.model, r.config.seed, r.status, r.steps, r.history.at(-1)?.step])).toEqual([
      ['linear', 1, 'ok', 300, 300],
      ['linear', 2, 'ok', 300, 300],
      ['mlp', 1, 'ok', 300, 300],
      ['mlp', 2, 'ok', 300, 300],
    ]);
    expect(result.records.map(untimed)).toEqual(nodeRecords.map(untimed));
  });

  it('hands each worker its own copy when the page is not cross-origin isolated, with the same records', async () => {
    const result = await sweepInPage('plain');
    expect(result.isolated).toBe(false);
    expect(result.datasets).toHaveLength(1);
    expect(result.datasets[0].shared).toBe(false);
    expect(result.records.map(untimed)).toEqual(nodeRecords.map(untimed));
  });
});

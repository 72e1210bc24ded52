// The browser against Node, on the same machine: training steps/s of the paper's
// models in Chromium's Web Workers and in Node's worker threads (same grid, same
// worker count), the wall time of `double-descent --quick` run from the studio
// page and from the CLI, and the explorer's regenerate-and-redraw time measured in
// the page. Needs Chromium (test/chromium.ts) and a built package (npm run build).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { expandGrid } from '../src/sweep/grid.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { RunRecord } from '../src/train/types.js';
import { findChromium } from '../test/chromium.js';
import { buildWeb, launchChromium, repoRoot, serve, watchedPage } from '../test/web-page.js';
import type { BenchOptions, BenchTable } from './table.js';

const STEPS_RATIO_TARGET = 0.9; // Chromium within 10 % of Node
const STUDY_RATIO_TARGET = 1.15; // the page within 15 % of the CLI
const REDRAW_TARGET_MS = 50;
/** Steps per run, chosen so that each model trains for a second or more. */
const MODEL_STEPS = { linear: 20000, mlp: 4000, cnn: 1500, gru: 1000 } as const;

interface PageApi {
  runSweep(grid: unknown, workers?: number): Promise<RunRecord[]>;
  explorer: { set(args: Record<string, unknown>): number };
  ready(): Promise<void>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 30_000 });
  await page.waitForFunction(() => 'mnist1d' in window, undefined, { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.ready());
}

export async function browserSection(options: BenchOptions): Promise<BenchTable> {
  const lookup = findChromium();
  if ('skip' in lookup) throw new Error(lookup.skip);
  const workers = availableParallelism();
  const outDir = mkdtempSync(path.join(tmpdir(), 'mnist1d-bench-web-'));
  const studyDir = mkdtempSync(path.join(tmpdir(), 'mnist1d-bench-cli-'));
  await buildWeb(outDir);
  const site = await serve(outDir);
  const browser = await launchChromium(lookup);
  const rows: (string | number)[][] = [];
  try {
    const { page } = await watchedPage(browser);
    await open(page, `${site.origin}/isolated/?tab=sweep`);
    for (const [model, fullSteps] of Object.entries(MODEL_STEPS)) {
      const steps = options.quick ? Math.ceil(fullSteps / 10) : fullSteps;
      const grid = { base: { model, steps, evalEvery: 0 }, axes: { seed: Array.from({ length: workers }, (_, i) => i + 1) } };
      const inPage = await page.evaluate(([g, w]) => (window as unknown as { mnist1d: PageApi }).mnist1d.runSweep(g, w), [grid, workers] as const);
      const inNode = (await runSweep<RunRecord>(expandGrid(grid), { kinds: taskKinds, workers })).records;
      const [chromium, node] = [mean(inPage.map((r) => r.steps_per_s)), mean(inNode.map((r) => r.steps_per_s))];
      rows.push([`steps/s per worker, ${model} (${steps} steps, ${workers} runs)`, chromium, node, chromium / node, pass(chromium / node >= STEPS_RATIO_TARGET, `>= ${STEPS_RATIO_TARGET}`)]);
    }

    await open(page, `${site.origin}/isolated/?tab=study&study=double-descent&quick=1&workers=${workers}`);
    const started = performance.now();
    await page.locator('#run').click();
    await page.waitForFunction(() => document.querySelector('#run')!.textContent!.startsWith('All '), undefined, { timeout: 600_000, polling: 100 });
    const pageSeconds = (performance.now() - started) / 1e3;
    const cliStarted = performance.now();
    await promisify(execFile)(process.execPath, ['bin/mnist1d.js', 'run', 'double-descent', '--quick', '--workers', String(workers), '--out', studyDir], { cwd: repoRoot });
    const cliSeconds = (performance.now() - cliStarted) / 1e3;
    rows.push([`wall s, double-descent --quick (${workers} workers; page vs CLI)`, pageSeconds, cliSeconds, pageSeconds / cliSeconds, pass(pageSeconds / cliSeconds <= STUDY_RATIO_TARGET, `<= ${STUDY_RATIO_TARGET}`)]);

    await open(page, `${site.origin}/isolated/?tab=data`);
    const redraws = await page.evaluate(() => {
      const { explorer } = (window as unknown as { mnist1d: PageApi }).mnist1d;
      return Array.from({ length: 21 }, (_, i) => explorer.set({ scaleCoeff: 0.2 + 0.02 * i }));
    });
    const ms = median(redraws);
    rows.push(['explorer redraw ms (regenerate 5000 examples + draw; median of 21)', ms, '', '', pass(ms < REDRAW_TARGET_MS, `< ${REDRAW_TARGET_MS}`)]);
  } finally {
    await browser.close();
    await site.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(studyDir, { recursive: true, force: true });
  }
  return {
    title: 'Browser vs Node: the studio in Chromium',
    columns: ['measure', 'Chromium', 'Node', 'Chromium / Node', 'target'],
    rows,
    notes: [
      `Same grids on ${workers} workers each side (Chromium's Web Workers vs Node's worker threads); steps/s is each run's own training rate (record.steps_per_s), averaged over the runs.`,
      'The page time runs from the click on Run until every record is stored in IndexedDB; the CLI time is the whole `mnist1d run` process, start to exit.',
    ],
  };
}

function pass(ok: boolean, target: string): string {
  return `${target}: ${ok ? 'pass' : 'miss'}`;
}

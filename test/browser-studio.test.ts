// The studio page (web/) in Chromium, as a researcher uses it: a paper study run
// from its URL with live figures, a reload in the middle that resumes from
// IndexedDB, a results.jsonl from Node imported and exported, a link that
// reproduces settings, the dataset explorer against Node's generator, a
// phone-sized screen, and isolation through the service worker on a host
// without COOP/COEP. Screenshots go to $MNIST1D_SCREENSHOTS (default
// out/screenshots/). Without Chromium the file is skipped (./chromium.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { getStudy, resolveSettings } from '../src/experiments/index.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { RunRecord } from '../src/train/types.js';
import { findChromium } from './chromium.js';
import { buildWeb, launchChromium, repoRoot, serve, watchedPage } from './web-page.js';
import { untimed } from './untimed.js';

const chromiumLookup = findChromium();
if ('skip' in chromiumLookup) console.warn(chromiumLookup.skip);
const screenshots = process.env.MNIST1D_SCREENSHOTS || path.join(repoRoot, 'out', 'screenshots');

const STUDY_URL = '?tab=study&study=spatial-priors&quick=1&workers=2';
const TINY_GRID = { base: { model: 'mlp', steps: 200, evalEvery: 50, dataset: { numSamples: 1000 } }, axes: { hidden: [20, 60] } };

/** What the page exposes on window (web/main.ts). */
interface PageApi {
  records(): Promise<(RunRecord | undefined)[]>;
  lastRun: { ran: number; stored: number } | null;
  datasets: { shared: boolean }[];
  explorer: { plotted(): { index: number[]; labels: number[]; rows: number[][] }; pipeline(): number[][] };
  ready(): Promise<void>;
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 20_000 });
  await page.waitForFunction(() => 'mnist1d' in window, undefined, { timeout: 30_000 });
  await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.ready());
}

/** The fields of a meta-learning study's records these tests read. */
type MetaRecord = { wall_s: number; kind?: string; finalLr?: number };

const okRows = (page: Page) => page.locator('#results tbody .status-ok').count();
// The bars are the figure's first rect layer (PyTorch's ticks, a later layer, are rects too).
const bars = (page: Page) => page.locator('[data-figure="spatial-priors"] .mark-rect.role-mark').first().locator('path').count();

describe.skipIf('skip' in chromiumLookup)('the studio page', () => {
  let outDir: string;
  let site: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  let nodeRecords: RunRecord[];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    outDir = mkdtempSync(path.join(tmpdir(), 'mnist1d-studio-'));
    const study = getStudy('spatial-priors');
    const node = runSweep<RunRecord>(study.tasks(resolveSettings(study, { quick: true })), { kinds: taskKinds, workers: 2 });
    await buildWeb(outDir);
    site = await serve(outDir);
    browser = await launchChromium(chromiumLookup);
    nodeRecords = (await node).records;
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  // Both meta-learning studies: the activation one also holds the learned activation's
  // table (float64 tanh in wasm) to Node's numbers bit for bit.
  it.each([
    ['metalearn-lr', (records: MetaRecord[]) => expect(records.map((r) => r.finalLr?.toFixed(2))).toEqual(['0.62', '0.62'])],
    ['metalearn-activation', (records: MetaRecord[]) => expect(records.filter((r) => r.kind === 'activation-baseline')).toHaveLength(7)],
  ] as const)('runs %s --quick through the same worker code and records what Node records', async (name, check) => {
    const withoutWall = (records: MetaRecord[]) => records.map(({ wall_s, ...rest }) => (expect(wall_s).toBeGreaterThan(0), rest));
    const study = getStudy(name);
    const node = (await runSweep(study.tasks(resolveSettings(study, { quick: true })), { kinds: taskKinds, workers: 2 })).records as unknown as MetaRecord[];
    const { page, problems } = await watchedPage(browser!);
    try {
      await open(page, `${site!.origin}/isolated/?tab=study&study=${name}&quick=1&workers=2`);
      await page.locator('#run').click();
      await expect.poll(() => okRows(page), { timeout: 90_000 }).toBe(node.length);
      const records = (await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.records())) as unknown as MetaRecord[];
      expect(withoutWall(records)).toEqual(withoutWall(node));
      check(records);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('runs spatial-priors --quick with live figures, resumes after a reload without re-running finished runs, and records what Node records', async () => {
    const { page, problems } = await watchedPage(browser!);
    try {
      await open(page, `${site!.origin}/isolated/${STUDY_URL}`);
      expect(await page.locator('#run').textContent()).toBe('Run 8 runs');
      // Every bar count the figure shows while the study runs.
      await page.evaluate(() => {
        const seen: number[] = ((window as unknown as { barCounts: number[] }).barCounts = []);
        new MutationObserver(() => {
          const n = document.querySelectorAll('[data-figure="spatial-priors"] .mark-rect.role-mark path').length;
          if (seen.at(-1) !== n) seen.push(n);
        }).observe(document.querySelector('#figures')!, { childList: true, subtree: true });
      });
      await page.locator('#run').click();
      await expect.poll(() => okRows(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
      await expect.poll(() => bars(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      await page.screenshot({ path: path.join(screenshots, 'studio-running.png'), fullPage: true });
      const barCounts = await page.evaluate(() => (window as unknown as { barCounts: number[] }).barCounts);
      expect(barCounts.some((n) => n > 0 && n < 8)).toBe(true); // drawn before the study ended

      // Reload mid-study: the page resumes by itself and trains only what IndexedDB lacks.
      const storedBefore = (await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.records())).filter(Boolean).length;
      expect(storedBefore).toBeGreaterThanOrEqual(1);
      await page.reload();
      await page.waitForFunction(() => 'mnist1d' in window);
      await expect.poll(() => okRows(page), { timeout: 90_000 }).toBe(8);
      await expect.poll(() => page.locator('#run').textContent(), { timeout: 10_000 }).toBe('All 8 runs stored');
      // No resume at all when the study had finished before the reload (a fast machine): nothing ran again either.
      const lastRun = (await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.lastRun)) ?? { stored: 8, ran: 0 };
      expect(lastRun.stored).toBeGreaterThanOrEqual(storedBefore);
      expect(lastRun.stored + lastRun.ran).toBe(8);

      const records = (await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.records())) as RunRecord[];
      expect(records.map(untimed)).toEqual(nodeRecords.map(untimed));
      await expect.poll(() => bars(page)).toBe(8); // one bar per run
      expect(await page.locator('[data-figure="learning-curves"] .mark-line.role-mark path').count()).toBeGreaterThan(0);
      expect(await page.locator('#summary').textContent()).toContain('Largest difference from the PyTorch reference');
      await page.screenshot({ path: path.join(screenshots, 'studio-spatial-priors.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('reproduces a study\'s settings and a free sweep\'s grid from a link', async () => {
    const { page, problems } = await watchedPage(browser!);
    try {
      await open(page, `${site!.origin}/isolated/?tab=study&study=pooling&quick=1&set=channels%3D8&set=trainSizes%3D2000%2C3000`);
      expect(await page.locator('#study').inputValue()).toBe('pooling');
      expect(await page.locator('#quick').isChecked()).toBe(true);
      expect(await page.locator('input[name="channels"]').inputValue()).toBe('8');
      expect(await page.locator('#study-command').textContent()).toBe("mnist1d run pooling --quick --set 'trainSizes=2000,3000' --set 'channels=8'");
      const pooling = getStudy('pooling');
      const tasks = pooling.tasks(resolveSettings(pooling, { quick: true, set: ['channels=8', 'trainSizes=2000,3000'] }));
      await expect.poll(() => page.locator('#results tbody tr').count()).toBe(tasks.length);

      await open(page, `${site!.origin}/isolated/?tab=sweep&grid=${encodeURIComponent(JSON.stringify(TINY_GRID))}`);
      expect(JSON.parse(await page.locator('#grid').inputValue())).toEqual(TINY_GRID);
      expect(await page.locator('#results tbody tr').count()).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('imports a results.jsonl written by Node: its runs count as done, keyed as the CLI keys them', async () => {
    const { page, problems } = await watchedPage(browser!);
    try {
      await open(page, `${site!.origin}/isolated/?tab=study&study=pooling&quick=1`);
      const jsonl = nodeRecords.map((r) => JSON.stringify(r) + '\n').join('');
      await page.locator('#import').setInputFiles({ name: 'results.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
      await expect.poll(() => page.locator('#message').textContent()).toBe('imported 8 records from results.jsonl');
      await open(page, `${site!.origin}/isolated/${STUDY_URL}`);
      expect(await page.locator('#run').textContent()).toBe('All 8 runs stored');
      await expect.poll(() => bars(page)).toBe(8);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-jsonl').click()]);
      const exported = (await readFile(await download.path(), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as RunRecord);
      expect(exported).toEqual(nodeRecords);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('lets one tab train at a time: a second tab waits for the first and trains nothing twice', async () => {
    const context = await browser!.newContext({ viewport: { width: 1100, height: 900 } }); // one profile: shared IndexedDB and locks
    try {
      const grid = { base: { model: 'mlp', steps: 1500, evalEvery: 500, dataset: { numSamples: 1000 } }, axes: { seed: [1, 2] } };
      const url = `${site!.origin}/isolated/?tab=sweep&workers=2&grid=${encodeURIComponent(JSON.stringify(grid))}`;
      const [first, second] = [await context.newPage(), await context.newPage()];
      await open(first, url);
      await open(second, url);
      await first.locator('#run').click();
      await expect.poll(() => first.locator('#lanes li').count()).toBe(2); // the first tab holds the lock and trains
      await second.locator('#run').click();
      for (const page of [first, second]) await expect.poll(() => page.locator('#run').textContent(), { timeout: 60_000 }).toBe('All 2 runs stored');
      const ran = await Promise.all([first, second].map((page) => page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.lastRun?.ran ?? 0)));
      expect(ran).toEqual([2, 0]);
    } finally {
      await context.close();
    }
  });

  it('redraws the explorer from a slider with the data Node generates for those arguments', async () => {
    const { page, problems } = await watchedPage(browser!);
    try {
      await open(page, `${site!.origin}/isolated/?tab=data`);
      await page.locator('input[name="scaleCoeff"]').evaluate((input: HTMLInputElement) => {
        input.value = '0.8';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.locator('input[name="shuffleSeq"], #shuffle').first().check();
      const shown = await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.explorer.plotted());
      const data = await makeDataset({ scaleCoeff: 0.8, shuffleSeq: true });
      expect(shown.index).toHaveLength(80);
      expect(shown.labels).toEqual(shown.index.map((i) => data.y[i]));
      expect(shown.rows).toEqual(shown.index.map((i) => Array.from(data.x.subarray(i * 40, (i + 1) * 40))));
      expect(page.url()).toContain('ds.scaleCoeff=0.8');
      // The generation steps of class 0's example end with that example as the generator makes it.
      const steps = await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.explorer.pipeline());
      const tiny = await makeDataset({ scaleCoeff: 0.8, numSamples: 10, trainSplit: 0.5 });
      const [x, row] = tiny.y.includes(0) ? [tiny.x, tiny.y.indexOf(0)] : [tiny.xTest, tiny.yTest.indexOf(0)];
      expect(steps).toHaveLength(8);
      expect(steps.at(-1)).toEqual(Array.from(x.subarray(row * 40, (row + 1) * 40)));
      expect(steps[1]).toHaveLength(12 + 60); // padded length until the final resample
      await page.screenshot({ path: path.join(screenshots, 'explorer.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fits a phone screen (390 x 844) without horizontal scrolling, on every tab and with results shown', async () => {
    const { page, problems } = await watchedPage(browser!, { width: 390, height: 844 });
    try {
      await open(page, `${site!.origin}/isolated/?tab=sweep&workers=2&grid=${encodeURIComponent(JSON.stringify(TINY_GRID))}`);
      await page.locator('#run').click();
      await expect.poll(() => okRows(page), { timeout: 60_000 }).toBe(2);
      await expect.poll(() => page.locator('[data-figure="sweep-axes"] .mark-symbol.role-mark path').count()).toBe(2);
      for (const tab of ['sweep', 'study', 'data']) {
        await page.locator(`[data-tab="${tab}"]`).click();
        await page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.ready());
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${tab} tab is ${width} px wide`).toBeLessThanOrEqual(390);
        await page.screenshot({ path: path.join(screenshots, `phone-${tab}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('becomes cross-origin isolated through its service worker on a host without COOP/COEP', async () => {
    const { page, problems } = await watchedPage(browser!);
    try {
      await page.goto(`${site!.origin}/plain/?tab=sweep&workers=2&grid=${encodeURIComponent(JSON.stringify(TINY_GRID))}`);
      await page.waitForFunction(() => crossOriginIsolated && 'mnist1d' in window, undefined, { timeout: 30_000 });
      expect(await page.locator('#isolation').textContent()).toContain('by the service worker');
      await page.locator('#run').click();
      await expect.poll(() => okRows(page), { timeout: 60_000 }).toBe(2);
      // The rows turn ok on each run's end; the sweep's datasets are published when it returns.
      const shared = () => page.evaluate(() => (window as unknown as { mnist1d: PageApi }).mnist1d.datasets.map((d) => d.shared));
      await expect.poll(shared, { timeout: 10_000 }).toEqual([true]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

// The published package in other people's projects. `npm pack` makes the tarball; it is
// unpacked into scratch projects outside the repository as npm would install it, with
// its declared dependencies linked to this checkout's node_modules (so the test needs
// no network). A Node project imports 'mnist1d' and runs the scenario of
// fixtures/package-scenario.js (makeDataset, train, a runSweep on two workers); a Vite
// app does the same after `vite build` with Vite's defaults, in Chromium, and a page
// without a bundler through an import map (its sweep in the page: import maps do not
// reach workers); both must give the dataset and records Node gives (timings aside).
// Needs `npm run build` first (npm test does).
// Without Chromium the browser half is skipped with one line, except under CI (./chromium.ts).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, serve, stopServer } from './browser-harness.js';
import { findChromium } from './chromium.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixtures = path.join(repoRoot, 'test', 'fixtures');
const chromiumLookup = findChromium();
if ('skip' in chromiumLookup) console.warn(chromiumLookup.skip);

/** What fixtures/package-scenario.js returns. */
interface ScenarioResult {
  dataset: { x: number[]; y: number[]; xTest: number[]; yTest: number[] };
  trained: Record<string, unknown>;
  sweep: { concurrency: number; records: Array<Record<string, unknown>> };
}

/**
 * Unpacks the tarball into `project`/node_modules/mnist1d, as npm installs it, and links
 * its declared dependencies and `tools` (e.g. vite) to this checkout's node_modules.
 */
async function installTarball(project: string, tarball: string, tools: string[] = []): Promise<void> {
  const target = path.join(project, 'node_modules', 'mnist1d');
  mkdirSync(target, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies), ...tools]) {
    const link = path.join(project, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(realpathSync(path.join(repoRoot, 'node_modules', name)), link, 'dir');
  }
}

/** A scratch project: package.json naming the tarball, and the given fixture files. */
function makeProject(dir: string, tarball: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: path.basename(dir), private: true, type: 'module', dependencies: { mnist1d: `file:${tarball}` } };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const [name, source] of Object.entries(files)) copyFileSync(source, path.join(dir, name));
}

describe('the packed package', () => {
  let scratch: string;
  let tarball: string;
  let nodeResult: ScenarioResult;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'mnist1d-package-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: repoRoot });
    tarball = path.join(scratch, (JSON.parse(stdout) as Array<{ filename: string }>)[0].filename);

    const nodeProject = path.join(scratch, 'node-project');
    makeProject(nodeProject, tarball, {
      'run.mjs': path.join(fixtures, 'package-node', 'run.mjs'),
      'scenario.js': path.join(fixtures, 'package-scenario.js'),
    });
    await installTarball(nodeProject, tarball);
    const { stdout: json } = await run(process.execPath, ['run.mjs'], { cwd: nodeProject, timeout: 60_000 });
    nodeResult = JSON.parse(json) as ScenarioResult;
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('ships the compiled code, both workers, the abi tables and the wasm, and no TypeScript sources', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/mnist1d.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/workers/browser-trainer.js',
        'dist/workers/node-trainer.js',
        'dist/assembly/abi/plan.js',
        'dist/assembly/abi/state.js',
        'dist/build/engine.wasm',
        'dist/build/generator.wasm',
        'docs/embedding.md',
      ]),
    );
    expect(files.filter((f) => /(?<!\.d)\.ts$/.test(f) || f.startsWith('dist/bench/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('runs makeDataset, train and a two-worker runSweep in a Node project', () => {
    expect(nodeResult.dataset.x).toHaveLength(400 * 40);
    expect(nodeResult.dataset.yTest).toHaveLength(100);
    expect(nodeResult.trained).toMatchObject({ status: 'ok', steps: 100 });
    expect(nodeResult.sweep.concurrency).toBe(2);
    expect(nodeResult.sweep.records.map((r) => [r.status, r.steps])).toEqual(Array(4).fill(['ok', 200]));
  });

  describe.skipIf('skip' in chromiumLookup)('in web pages', () => {
    let server: Server | undefined;
    let origin: string;
    let browser: Browser | undefined;

    beforeAll(async () => {
      const app = path.join(scratch, 'web-app');
      makeProject(app, tarball, {
        'index.html': path.join(fixtures, 'package-app', 'index.html'),
        'main.js': path.join(fixtures, 'package-app', 'main.js'),
        'unbundled.html': path.join(fixtures, 'package-app', 'unbundled.html'),
        'unbundled.js': path.join(fixtures, 'package-app', 'unbundled.js'),
        'scenario.js': path.join(fixtures, 'package-scenario.js'),
      });
      await installTarball(app, tarball, ['vite']);
      // Vite's defaults, except relative asset URLs: serve() answers under a sub-path.
      await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--base', './', '--logLevel', 'error'], { cwd: app, timeout: 60_000 });
      // The project folder: the Vite build in dist/, the unbundled page beside node_modules/.
      ({ server, origin } = await serve(app));
      browser = await chromium.launch({ executablePath: 'path' in chromiumLookup ? chromiumLookup.path : undefined, args: CHROMIUM_ARGS, timeout: 30_000 });
    });

    afterAll(async () => {
      await browser?.close();
      await stopServer(server);
    });

    /** Opens `page` (under /isolated/) and runs its window.runScenario. */
    async function scenarioInPage(pagePath: string): Promise<{ isolated: boolean; result: ScenarioResult }> {
      const page = await browser!.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      try {
        await page.goto(`${origin}/isolated/${pagePath}`, { timeout: 15_000 });
        await page.waitForFunction(() => 'runScenario' in window, undefined, { timeout: 15_000 });
        const outcome = await page.evaluate(async () => ({
          isolated: crossOriginIsolated,
          result: (await (window as unknown as { runScenario(): Promise<ScenarioResult> }).runScenario()) as ScenarioResult,
        }));
        expect(problems).toEqual([]);
        return outcome;
      } catch (error) {
        throw problems.length ? new Error(`${(error as Error).message}\n${problems.join('\n')}`) : error;
      } finally {
        await page.close();
      }
    }

    it('a Vite app builds with it and runs the scenario on two Web Workers with the dataset and records Node gives', async () => {
      const { isolated, result } = await scenarioInPage('dist/');
      expect(isolated).toBe(true);
      expect(result).toEqual(nodeResult);
    });

    it('a page without a bundler imports it through an import map and runs the scenario in the page, with the same results', async () => {
      const { result } = await scenarioInPage('unbundled.html');
      expect(result.sweep.concurrency).toBe(1);
      expect({ ...result, sweep: result.sweep.records }).toEqual({ ...nodeResult, sweep: nodeResult.sweep.records });
    });
  });
});

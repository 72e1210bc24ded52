// The browser harness of the browser tests and bench/browser.ts: builds web/ with
// Vite into a folder, serves it with a small static server under /isolated/
// (COOP/COEP headers) and /plain/ (none), launches Debian's Chromium through
// playwright-core, and opens pages that collect page errors. Where Chromium is
// found: ./chromium.ts.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packagePath } from '../src/engine/node-files.js';
import type { ChromiumLookup } from './chromium.js';

/** The package root (also when this file runs compiled, from dist/test/). */
export const repoRoot = packagePath('.');

// PLATFORM-NOTES.md "Browser"; playwright adds a fresh --user-data-dir itself.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** `vite build` of web/ into outDir. */
export async function buildWeb(outDir: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: repoRoot, timeout: 120_000 },
  );
}

/** Serves `dir` under /isolated/ (with COOP/COEP) and /plain/ (without). */
export function serve(dir: string): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, mode, ...rest] = url.pathname.split('/');
    const file = path.join(dir, path.normalize('/' + decodeURIComponent(rest.join('/'))));
    const target = file.endsWith(path.sep) ? path.join(file, 'index.html') : file;
    if (!['isolated', 'plain'].includes(mode) || !existsSync(target) || !statSync(target).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      ...(mode === 'isolated' ? ISOLATION : {}),
    });
    res.end(readFileSync(target));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      const close = () => {
        server.closeAllConnections();
        return new Promise<void>((done) => server.close(() => done()));
      };
      resolve({ server, origin: `http://127.0.0.1:${port}`, close });
    });
  });
}

export function launchChromium(lookup: ChromiumLookup): Promise<Browser> {
  return chromium.launch({ executablePath: 'path' in lookup ? lookup.path : undefined, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A new page (its own context: fresh storage) that notes page errors and console errors in `problems`. */
export async function watchedPage(browser: Browser, viewport = { width: 1100, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return { page, problems };
}

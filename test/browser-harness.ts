// What the browser tests share: a static server for a built app and the Chromium flags.
// serve(dir) answers under /isolated/ (with COOP/COEP, so the page is
// crossOriginIsolated and may share memory with its workers) and /plain/ (without).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

// PLATFORM-NOTES.md "Browser"; playwright adds a fresh --user-data-dir itself.
export const CHROMIUM_ARGS = [
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

/** Serves `dir` under /isolated/ (with COOP/COEP) and /plain/ (without). */
export function serve(dir: string): Promise<{ server: Server; origin: string }> {
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
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

/** Stops a server started by serve, dropping open keep-alive connections. */
export async function stopServer(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
}

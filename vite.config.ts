// The browser app (web/): `npm run web` serves it, `npm run web:build` writes web/dist.
// COOP/COEP make the page crossOriginIsolated so a sweep's dataset can live in one
// SharedArrayBuffer read by every Web Worker. Vitest has its own vitest.config.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'web',
  // Relative asset URLs: the built page works from any folder or sub-path.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The engine's wasm is small enough to be inlined; keep it a file the browser streams and caches.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  worker: { format: 'es' },
  server: {
    headers: isolation,
    // web/ imports ../src, ../workers and ../build (the compiled wasm).
    fs: { allow: [repoRoot] },
  },
  preview: { headers: isolation },
});

#!/usr/bin/env node
// The `mnist1d` command: runs the compiled CLI (npm install / npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('mnist1d: dist/ is missing; run `npm run build` (npm install does it automatically).');
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));

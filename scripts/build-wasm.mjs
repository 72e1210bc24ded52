// Builds the WebAssembly modules (release: -O3, SIMD) into build/, skipping a
// module whose wasm is newer than every AssemblyScript source and asconfig.json.
// The package's modules are also copied to dist/build/, where the compiled code
// (dist/src/engine/wasm.js) and the published package find them: two folders up,
// as src/engine/wasm.ts finds build/.
// usage: node scripts/build-wasm.mjs [module ...] [--force] [--target debug]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// One entry file per module: assembly/<name>.ts -> build/<name>.wasm. The package's
// modules are built by default; `bench` (the benchmarks' kernel timers) only when
// named, as `npm run bench` does.
const MODULES = ['generator', 'engine', 'bench'];
const PACKAGE_MODULES = ['generator', 'engine'];

const args = process.argv.slice(2);
const force = args.includes('--force');
const targetIdx = args.indexOf('--target');
const target = targetIdx >= 0 ? args[targetIdx + 1] : 'release';
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--target');
const wanted = named.length ? named : PACKAGE_MODULES;

function newestSource(dir) {
  let newest = statSync(join(root, 'asconfig.json')).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

mkdirSync(join(root, 'build'), { recursive: true });
mkdirSync(join(root, 'dist', 'build'), { recursive: true });
const sourcesTime = newestSource(join(root, 'assembly'));
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
for (const name of wanted) {
  if (!MODULES.includes(name)) throw new Error(`unknown wasm module "${name}" (known: ${MODULES.join(', ')})`);
  const out = join(root, 'build', `${name}.wasm`);
  if (force || !existsSync(out) || statSync(out).mtimeMs <= sourcesTime) compile(name);
  if (PACKAGE_MODULES.includes(name)) copyFileSync(out, join(root, 'dist', 'build', `${name}.wasm`));
}

function compile(name) {
  const t0 = Date.now();
  execFileSync(process.execPath, [asc, `assembly/${name}.ts`, '--config', 'asconfig.json', '--target', target,
    '--outFile', `build/${name}.wasm`, '--textFile', `build/${name}.wat`], { cwd: root, stdio: 'inherit' });
  console.log(`built build/${name}.wasm (${target}) in ${Date.now() - t0} ms`);
}

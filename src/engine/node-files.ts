// Node-only helpers for locating and reading files that ship with the package
// (dist/workers/*.js by package path, the wasm by the URL wasm.ts gives) whether the
// caller runs from src/ (vitest) or dist/src/.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding mnist1d's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'mnist1d') {
      return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the mnist1d package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Absolute path of a file inside the package. */
export function packagePath(relative: string): string {
  return join(packageRoot(), relative);
}

/** Reads a package file, with a hint on how to make it when it is missing. */
export function readPackageFile(relative: string, hint: string): Promise<Uint8Array<ArrayBuffer>> {
  return readFileAt(packagePath(relative), hint);
}

/** Reads a file (a path or a file: URL), with a hint on how to make it when it is missing. */
export async function readFileAt(file: string | URL, hint: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!existsSync(file)) throw new Error(`${file instanceof URL ? fileURLToPath(file) : file} is missing: ${hint}`);
  return readFile(file);
}

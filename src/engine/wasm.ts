// Loads the AssemblyScript-built WebAssembly modules in Node and in the browser.
// A compiled WebAssembly.Module is cached per name and can be posted to workers,
// which then instantiate it without compiling again.

export type WasmModuleName = 'generator' | 'engine';

/** The exports every module shares; each module's own wrapper narrows further. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  resetHeap(): void;
  [name: string]: unknown;
}

/** An error raised by an `abort` inside the wasm (an assertion or a bounds check). */
export class WasmAbort extends Error {
  readonly code = 'WASM_ABORT';
}

const compiled = new Map<WasmModuleName, Promise<WebAssembly.Module>>();
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Compiles (once per name) build/<name>.wasm, found beside the code (see wasmUrl). */
export function compileWasm(name: WasmModuleName): Promise<WebAssembly.Module> {
  let promise = compiled.get(name);
  if (!promise) {
    const url = wasmUrl(name);
    promise = isNode ? readAndCompile(url) : fetchAndCompile(url);
    compiled.set(name, promise);
    promise.catch(() => compiled.delete(name));
  }
  return promise;
}

/** Registers an already compiled module (e.g. one received by a worker). */
export function provideCompiledWasm(name: WasmModuleName, module: WebAssembly.Module): void {
  compiled.set(name, Promise.resolve(module));
}

/**
 * The module two folders above this file, in build/: the repository's build/ for the
 * sources (src/engine/), the package's dist/build/ for the compiled code (dist/src/engine/).
 * Literal URLs, so that bundlers (Vite, webpack) emit the wasm files as assets.
 */
function wasmUrl(name: WasmModuleName): URL {
  return name === 'generator' ? new URL('../../build/generator.wasm', import.meta.url) : new URL('../../build/engine.wasm', import.meta.url);
}

async function readAndCompile(url: URL): Promise<WebAssembly.Module> {
  // A non-literal specifier keeps bundlers from pulling Node built-ins into the browser build.
  const nodeFiles = './node-files.js';
  const { readFileAt } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeFiles)) as typeof import('./node-files.js');
  const bytes = await readFileAt(url, 'run `npm run build:wasm` to build it');
  return WebAssembly.compile(bytes);
}

async function fetchAndCompile(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Instantiates a compiled module with the imports AssemblyScript expects. */
export async function instantiateWasm<T extends WasmExports>(module: WebAssembly.Module): Promise<T> {
  let memory: WebAssembly.Memory | undefined;
  const readString = (ptr: number): string => {
    if (!ptr || !memory) return '';
    const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
    return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
  };
  const imports = {
    env: {
      abort(msg: number, file: number, line: number, column: number): never {
        throw new WasmAbort(`wasm abort: ${readString(msg)} at ${readString(file)}:${line}:${column}`);
      },
      trace(msg: number, n: number, ...values: number[]): void {
        console.log(`wasm trace: ${readString(msg)}`, ...values.slice(0, n));
      },
      seed(): number {
        return 0; // Math.random is never used inside the engine: every draw is seeded explicitly.
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as T;
  memory = exports.memory;
  return exports;
}

import { describe, expect, it } from 'vitest';
import { compileWasm, instantiateWasm, type WasmExports } from '../src/engine/wasm.js';

describe('wasm loading', () => {
  it('compiles each module once and instantiates it with a working heap', async () => {
    for (const name of ['generator', 'engine'] as const) {
      const module = await compileWasm(name);
      expect(await compileWasm(name)).toBe(module);
      const wasm = await instantiateWasm<WasmExports>(module);
      const a = wasm.alloc(100);
      const b = wasm.alloc(100);
      expect(a % 16).toBe(0);
      expect(b).toBeGreaterThanOrEqual(a + 100);
      wasm.resetHeap();
      expect(wasm.alloc(100)).toBe(a);
    }
  });
});

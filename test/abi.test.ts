// The engine boundary is one table: assembly/abi/plan.ts (the plan records) and
// assembly/abi/state.ts (the run-state header) are imported by the AssemblyScript
// engine and by the TypeScript compiler and trainer alike. These tests fail when the
// built wasm and the TypeScript side disagree, or when the table stops being a table.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as meta from '../assembly/abi/meta.js';
import * as plan from '../assembly/abi/plan.js';
import * as state from '../assembly/abi/state.js';
import { compileWasm, instantiateWasm, type WasmExports } from '../src/engine/wasm.js';

const source = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const entries = (table: Record<string, number>) => Object.entries(table);

describe('the engine boundary table', () => {
  it('the built engine was compiled from the same table as the TypeScript side (every constant, both ways)', async () => {
    const wasm = (await instantiateWasm<WasmExports>(await compileWasm('engine'))) as unknown as Record<string, unknown>;
    const ts = { ...plan, ...state, ...meta } as Record<string, number>;
    for (const [name, value] of entries(ts)) {
      expect(wasm[name], `wasm export ${name}`).toBeInstanceOf(WebAssembly.Global);
      expect((wasm[name] as WebAssembly.Global).value, name).toBe(value);
    }
    const wasmGlobals = Object.keys(wasm).filter((name) => wasm[name] instanceof WebAssembly.Global);
    expect(wasmGlobals.sort()).toEqual(Object.keys(ts).sort());
  });

  it('holds only `export const NAME = <integer>;` lines, readable by AssemblyScript and TypeScript', () => {
    for (const file of ['assembly/abi/plan.ts', 'assembly/abi/state.ts', 'assembly/abi/meta.ts']) {
      const code = source(file).split('\n').filter((line) => line.trim() && !line.trim().startsWith('//'));
      for (const line of code) expect(line, file).toMatch(/^export const [A-Z][A-Z0-9_]* = \d+;( \/\/.*)?$/);
    }
  });

  it('gives every op kind distinct fields within its record, after the common words', () => {
    const common = entries(plan).filter(([name]) => /^OP_(KIND|IN|OUT|DIN|DOUT|FLAGS|W|DW)$/.test(name)).map(([, w]) => w);
    expect(new Set(common).size).toBe(common.length);
    const firstField = Math.max(...common) + 1;
    const kinds = entries(plan).filter(([name]) => name.startsWith('OP_') && !/^OP_(KIND|IN|OUT|DIN|DOUT|FLAGS|W|DW|WORDS)$/.test(name));
    expect(new Set(kinds.map(([, code]) => code)).size).toBe(kinds.length);
    for (const [name] of kinds) {
      const kind = name.slice(3);
      const fields = entries(plan).filter(([field]) => field.startsWith(`${kind}_`)).map(([, w]) => w);
      expect(fields.length, `${name} declares its fields as ${kind}_*`).toBeGreaterThan(0);
      expect(new Set(fields).size, `${kind} fields are distinct`).toBe(fields.length);
      for (const w of fields) expect(w >= firstField && w < plan.OP_WORDS, `${kind} field word ${w}`).toBe(true);
    }
  });

  it('lays the run-state header out without overlaps', () => {
    const words = entries(state).filter(([name]) => name.startsWith('S_')).map(([, w]) => w);
    const slots = entries(state).filter(([name]) => name.startsWith('F_')).map(([, s]) => s);
    expect(new Set(words).size).toBe(words.length);
    expect(new Set(slots).size).toBe(slots.length);
    expect(Math.max(...words)).toBeLessThan(state.STATE_I32_WORDS);
    expect(Math.max(...slots)).toBeLessThan(state.STATE_F64_SLOTS);
    expect(state.STATE_F64_BYTE).toBe(4 * state.STATE_I32_WORDS);
    expect(state.STATE_BYTES).toBe(state.STATE_F64_BYTE + 8 * state.STATE_F64_SLOTS);
  });

  it('the interpreter and the op glue read fields by name, never by number', () => {
    const files = ['assembly/train.ts', ...readdirSync(new URL('../assembly/ops/', import.meta.url)).map((f) => `assembly/ops/${f}`)];
    for (const file of files) expect(source(file), file).not.toMatch(/\b(word|addr|geti|seti|getf|setf)\([^,()]+, \d/);
  });
});

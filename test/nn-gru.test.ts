// The SIMD GRU kernel (assembly/nn/gru.ts) against PyTorch's fixture and a float64 reference,
// and the SIMD exp/sigmoid/tanh it relies on (assembly/nn/fastmath.ts) against Math.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileWasm, instantiateWasm, type WasmExports } from '../src/engine/wasm.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface GruExports extends WasmExports {
  gruWorkspaceFloats(B: number, T: number, H: number, D: number): number;
  gruForward(B: number, T: number, H: number, D: number, x: number, params: number, out: number, workspace: number): void;
  gruBackward(B: number, T: number, H: number, D: number, x: number, params: number, dOut: number, dParams: number, workspace: number): void;
}

interface Tensor {
  shape: number[];
  data: number[];
}
interface GruFixture {
  param_order: string[];
  params: Record<string, Tensor>;
  grads: Record<string, Tensor>;
  input: { x: number[]; y: number[] };
  logits: number[];
  loss: number;
  intermediates: { gru_output: Tensor };
}

interface GruShape {
  B: number;
  T: number;
  H: number;
  D: number;
}

let wasm: GruExports;
beforeAll(async () => {
  wasm = await instantiateWasm<GruExports>(await compileWasm('engine'));
});

/** Copies f32 data into fresh wasm memory; returns its address. */
function put(data: ArrayLike<number>): number {
  const ptr = wasm.alloc(Math.max(data.length, 1) * 4);
  new Float32Array(wasm.memory.buffer, ptr, data.length).set(data);
  return ptr;
}

function get(ptr: number, length: number): Float64Array {
  return Float64Array.from(new Float32Array(wasm.memory.buffer, ptr, length));
}

/**
 * Runs the kernel's forward, then its backward with dOut = dOutOf(out); dParams starts from
 * dParamsInit, to check that the kernel accumulates into it.
 */
function runKernel(s: GruShape, x: ArrayLike<number>, params: ArrayLike<number>,
  dOutOf: (out: Float64Array) => ArrayLike<number>, dParamsInit: ArrayLike<number>) {
  wasm.resetHeap();
  const n = s.B * s.T * s.D * s.H;
  const xPtr = put(x);
  const pPtr = put(params);
  const outPtr = put(new Float32Array(n));
  const wsPtr = put(new Float32Array(wasm.gruWorkspaceFloats(s.B, s.T, s.H, s.D)));
  wasm.gruForward(s.B, s.T, s.H, s.D, xPtr, pPtr, outPtr, wsPtr);
  const out = get(outPtr, n);
  const dOutPtr = put(dOutOf(out));
  const dpPtr = put(dParamsInit);
  wasm.gruBackward(s.B, s.T, s.H, s.D, xPtr, pPtr, dOutPtr, dpPtr, wsPtr);
  return { out, dParams: get(dpPtr, params.length) };
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/**
 * Float64 reference GRU, straight from PyTorch's equations; same layouts as the kernel.
 * Returns out (B, T, D*H) with out[(b*T + t)*D*H + d*H + k].
 */
function referenceGru(s: GruShape, x: ArrayLike<number>, params: ArrayLike<number>): Float64Array {
  const { B, T, H, D } = s;
  const out = new Float64Array(B * T * D * H);
  const perDir = 3 * H * (H + 3);
  for (let d = 0; d < D; d++) {
    const wih = (row: number) => params[d * perDir + row];
    const whh = (row: number, col: number) => params[d * perDir + 3 * H + row * H + col];
    const bih = (row: number) => params[d * perDir + 3 * H + 3 * H * H + row];
    const bhh = (row: number) => params[d * perDir + 6 * H + 3 * H * H + row];
    for (let b = 0; b < B; b++) {
      let h = new Float64Array(H);
      for (let step = 0; step < T; step++) {
        const t = d === 0 ? step : T - 1 - step;
        const xt = x[b * T + t];
        const next = new Float64Array(H);
        for (let k = 0; k < H; k++) {
          let ar = wih(k) * xt + bih(k) + bhh(k);
          let az = wih(H + k) * xt + bih(H + k) + bhh(H + k);
          let ghn = bhh(2 * H + k);
          for (let j = 0; j < H; j++) {
            ar += whh(k, j) * h[j];
            az += whh(H + k, j) * h[j];
            ghn += whh(2 * H + k, j) * h[j];
          }
          const r = sigmoid(ar);
          const z = sigmoid(az);
          const n = Math.tanh(wih(2 * H + k) * xt + bih(2 * H + k) + r * ghn);
          next[k] = (1 - z) * n + z * h[k];
        }
        h = next;
        for (let k = 0; k < H; k++) out[(b * T + t) * D * H + d * H + k] = h[k];
      }
    }
  }
  return out;
}

/** Deterministic uniform draws in [lo, hi) (mulberry32). */
function uniforms(seed: number, n: number, lo: number, hi: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('GRU kernel vs PyTorch (gru.json: bidirectional, H = 6, T = 40, B = 8)', () => {
  const fixture = JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/reference/torch/gru.json'), 'utf8')) as GruFixture;
  const s: GruShape = { B: 8, T: 40, H: 6, D: 2 };
  const gruNames = fixture.param_order.filter((name) => name.startsWith('gru.'));
  // The kernel's parameter layout is PyTorch's named_parameters order, flattened.
  const params = gruNames.flatMap((name) => fixture.params[name].data);
  const W = fixture.params['linear.weight'].data; // (10, 480)
  const bias = fixture.params['linear.bias'].data;
  const y = fixture.input.y;
  const C = 10;
  const F = s.T * s.D * s.H;

  /** Linear(480->10) + mean softmax cross-entropy in float64: logits, loss and d loss / d gruOutput. */
  function head(gruOut: Float64Array) {
    const logits = new Float64Array(s.B * C);
    const dOut = new Float64Array(s.B * F);
    let loss = 0;
    for (let b = 0; b < s.B; b++) {
      for (let c = 0; c < C; c++) {
        let acc = bias[c];
        for (let f = 0; f < F; f++) acc += gruOut[b * F + f] * W[c * F + f];
        logits[b * C + c] = acc;
      }
      const row = logits.subarray(b * C, (b + 1) * C);
      const m = Math.max(...row);
      const z = row.reduce((acc, v) => acc + Math.exp(v - m), 0);
      loss += (m + Math.log(z) - row[y[b]]) / s.B;
      for (let c = 0; c < C; c++) {
        const dLogit = (Math.exp(row[c] - m) / z - (c === y[b] ? 1 : 0)) / s.B;
        for (let f = 0; f < F; f++) dOut[b * F + f] += dLogit * W[c * F + f];
      }
    }
    return { logits, loss, dOut };
  }

  it('matches the GRU output, the logits, the loss and every GRU parameter gradient', () => {
    let headResult: ReturnType<typeof head> | undefined;
    const { out, dParams } = runKernel(s, fixture.input.x, params, (gruOut) => {
      headResult = head(gruOut);
      return headResult.dOut;
    }, new Float32Array(params.length));
    const { logits, loss } = headResult!;

    // Float32 tolerance: 1e-5 relative to the largest magnitude (outputs are O(0.1..1) after 40 recurrent steps).
    const ref = fixture.intermediates.gru_output.data;
    expect(maxAbsDiff(out, ref)).toBeLessThanOrEqual(1e-5 * maxAbs(ref));
    expect(maxAbsDiff(logits, fixture.logits)).toBeLessThanOrEqual(1e-5 * maxAbs(fixture.logits));
    expect(Math.abs(loss - fixture.loss)).toBeLessThanOrEqual(1e-5 * fixture.loss);

    // Gradients: 1e-5 relative to each tensor's largest gradient magnitude.
    let offset = 0;
    for (const name of gruNames) {
      const expected = fixture.grads[name].data;
      const got = dParams.subarray(offset, offset + expected.length);
      const err = maxAbsDiff(got, expected) / maxAbs(expected);
      expect(err, `${name}: max |error| / max |grad|`).toBeLessThanOrEqual(1e-5);
      offset += expected.length;
    }
    expect(offset).toBe(params.length);
  });
});

describe('GRU kernel vs a float64 reference and finite differences (odd sizes)', () => {
  const shapes: GruShape[] = [
    { B: 1, T: 5, H: 1, D: 1 },
    { B: 3, T: 5, H: 6, D: 2 },
    { B: 7, T: 5, H: 1, D: 2 },
    { B: 7, T: 5, H: 6, D: 1 },
    { B: 5, T: 3, H: 3, D: 2 },
  ];
  for (const s of shapes) {
    it(`B=${s.B} T=${s.T} H=${s.H} D=${s.D}: outputs, and gradients of sum(out * R) accumulated into dParams`, () => {
      const nParams = s.D * 3 * s.H * (s.H + 3);
      const nOut = s.B * s.T * s.D * s.H;
      const bound = 1 / Math.sqrt(s.H);
      // Data-like inputs, PyTorch-default-like parameters, a random functional R, and a non-zero
      // starting dParams: the kernel must add to it.
      const x = Float32Array.from(uniforms(11 * s.B + s.H, s.B * s.T, -2, 2));
      const params = Float32Array.from(uniforms(7 + s.T * s.D, nParams, -bound, bound));
      const R = Float32Array.from(uniforms(3 + s.H, nOut, -1, 1));
      const start = Float32Array.from(uniforms(5, nParams, -1, 1));
      const { out, dParams } = runKernel(s, x, params, () => R, start);

      // States are O(1): float32 against float64, absolute.
      const refOut = referenceGru(s, x, params);
      expect(maxAbsDiff(out, refOut)).toBeLessThanOrEqual(2e-6);

      // Central differences of L(p) = sum(referenceGru(p) * R) in float64: truncation ~eps^2, far below float32.
      const loss = (p: Float64Array) => referenceGru(s, x, p).reduce((acc, v, i) => acc + v * R[i], 0);
      const eps = 1e-5;
      const numeric = new Float64Array(nParams);
      const p = Float64Array.from(params);
      for (let i = 0; i < nParams; i++) {
        p[i] = params[i] + eps;
        const up = loss(p);
        p[i] = params[i] - eps;
        const down = loss(p);
        p[i] = params[i];
        numeric[i] = (up - down) / (2 * eps);
      }
      const analytic = dParams.map((v, i) => v - start[i]);
      // Float32 tolerance: 1e-5 relative to the largest gradient, or to 1 when that is smaller,
      // since the kernel adds into dParams of size O(1) in float32.
      expect(maxAbsDiff(analytic, numeric)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(numeric)));
    });
  }
});

describe('SIMD exp, sigmoid and tanh (fastmath.ts)', () => {
  interface Probe {
    memory: WebAssembly.Memory;
    alloc(bytes: number): number;
    apply(kind: number, x: number, out: number, n: number): void;
  }
  let probe: Probe;
  beforeAll(async () => {
    // A tiny module that applies one function to an array, compiled from the real fastmath.ts
    // with the engine's flags (SIMD, -O3): fastmath exports only inlined v128 functions.
    const entry = 'fastmath-probe.ts';
    const source = `
      import { expF32x4, sigmoidF32x4, tanhF32x4 } from "./assembly/nn/fastmath";
      export function apply(kind: i32, x: usize, out: usize, n: i32): void {
        for (let i = 0; i < n; i += 4) {
          const v = v128.load(x + <usize>i * 4);
          v128.store(out + <usize>i * 4, kind == 0 ? expF32x4(v) : kind == 1 ? sigmoidF32x4(v) : tanhF32x4(v));
        }
      }
      export function alloc(bytes: usize): usize { return heap.alloc(bytes); }`;
    let binary: Uint8Array | undefined;
    const result = await asc.main([entry, '--outFile', 'probe.wasm', '--runtime', 'stub', '--enable', 'simd', '-O3', '--noAssert'], {
      readFile: (name, baseDir) => {
        if (name === entry) return source;
        try {
          return readFileSync(path.resolve(repoRoot, baseDir, name), 'utf8');
        } catch {
          return null;
        }
      },
      writeFile: (name, contents) => {
        if (name.endsWith('.wasm')) binary = contents as Uint8Array;
      },
      listFiles: () => [],
    });
    if (result.error || !binary) throw new Error(`fastmath probe did not compile: ${result.error} ${result.stderr}`);
    const module = await WebAssembly.compile(binary as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(module, { env: { abort: () => { throw new Error('fastmath probe aborted'); } } });
    probe = instance.exports as unknown as Probe;
  });

  /** Max error (relative, or absolute) of the SIMD function over a dense float32 grid of [lo, hi]. */
  function maxError(kind: number, lo: number, hi: number, exact: (v: number) => number, relative = true): number {
    const n = 1 << 16;
    const x = Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
    const xPtr = probe.alloc(n * 4);
    const outPtr = probe.alloc(n * 4);
    new Float32Array(probe.memory.buffer, xPtr, n).set(x);
    probe.apply(kind, xPtr, outPtr, n);
    const got = new Float32Array(probe.memory.buffer, outPtr, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const e = exact(x[i]);
      const scale = relative ? Math.max(Math.abs(e), Number.MIN_VALUE) : 1;
      worst = Math.max(worst, Math.abs(got[i] - e) / scale);
    }
    return worst;
  }

  // float32 epsilon is 1.19e-7: the bounds are a few ulp, enough for 1e-5 parity after 40 GRU steps.
  it('exp is within 2e-7 relative of Math.exp on [-87, 88]', () => {
    expect(maxError(0, -87, 88, Math.exp)).toBeLessThanOrEqual(2e-7);
    expect(maxError(0, -1, 1, Math.exp)).toBeLessThanOrEqual(2e-7);
  });
  it('sigmoid is within 3e-7 relative of 1/(1+exp(-x)) on [-80, 80]', () => {
    expect(maxError(1, -80, 80, sigmoid)).toBeLessThanOrEqual(3e-7);
    expect(maxError(1, -4, 4, sigmoid)).toBeLessThanOrEqual(3e-7);
  });
  it('tanh is within 3e-7 absolute of Math.tanh on [-20, 20] (2 sigmoid(2x) - 1: absolute, not relative, near 0)', () => {
    expect(maxError(2, -20, 20, Math.tanh, false)).toBeLessThanOrEqual(3e-7);
    expect(maxError(2, -1, 1, Math.tanh, false)).toBeLessThanOrEqual(3e-7);
    expect(maxError(2, -1e-3, 1e-3, Math.tanh, false)).toBeLessThanOrEqual(3e-7);
  });
});

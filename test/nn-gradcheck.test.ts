// Every kernel against a float64 reference: a small JS re-implementation of the
// layers (PyTorch formulas) whose gradients are central finite differences in
// float64 (eps 1e-6, so truncation and rounding stay near 1e-10). Odd sizes on
// purpose: batch 1, 3, 7, 10 (padded to 12: the 2x12 edge tile); 2 channels; stride 1, 2 and 3; hidden 1; odd lengths;
// every activation and every pooling.
// Tolerance (float32 engine vs float64 reference at the same float32 parameters):
// per tensor ||ours - ref|| / ||ref|| <= 1e-5, and every element within
// 1e-5 * max(1, |ref|); logits and loss likewise.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParamInfo } from '../src/models/compile.js';
import { ACTIVATIONS, type LayerSpec, type ModelSpec } from '../src/models/spec.js';
import { Engine } from '../src/train/engine.js';
import { Trainer } from '../src/train/trainer.js';

type Vec = Float64Array;

/** A deterministic stream in [-1, 1). */
function uniforms(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  });
}

const act64: Record<string, (v: number) => number> = {
  identity: (v) => v,
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  softplus: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))),
  swish: (v) => v / (1 + Math.exp(-v)),
  silu: (v) => v / (1 + Math.exp(-v)),
  gelu: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), // torch GELU(approximate='tanh')
};

/** Forward of one example in float64; tensors are flat (c, l) arrays; params consumed in order. */
function forward64(layers: LayerSpec[], x: Vec, shape: { c: number; l: number }, p: Vec, next: () => ParamInfo): { y: Vec; c: number; l: number } {
  let v = x;
  let { c, l } = shape;
  const tensor = () => {
    const info = next();
    return p.subarray(info.offset, info.offset + info.size);
  };
  for (const layer of layers) {
    switch (layer.kind) {
      case 'dense': {
        const W = tensor();
        const b = tensor();
        const y = new Float64Array(layer.out);
        for (let o = 0; o < layer.out; o++) {
          let s = b[o];
          for (let i = 0; i < layer.in; i++) s += W[o * layer.in + i] * v[i];
          y[o] = s;
        }
        [v, c, l] = [y, layer.out, 1];
        break;
      }
      case 'conv1d': {
        const W = tensor();
        const b = tensor();
        const { inChannels: ci, outChannels: co, kernel: k } = layer;
        const s = layer.stride ?? 1;
        const pad = layer.padding ?? 0;
        const lo = Math.floor((l + 2 * pad - k) / s) + 1;
        const y = new Float64Array(co * lo);
        for (let o = 0; o < co; o++) {
          for (let t = 0; t < lo; t++) {
            let sum = b[o];
            for (let q = 0; q < ci; q++) {
              for (let j = 0; j < k; j++) {
                const u = t * s + j - pad;
                if (u >= 0 && u < l) sum += W[(o * ci + q) * k + j] * v[q * l + u];
              }
            }
            y[o * lo + t] = sum;
          }
        }
        [v, c, l] = [y, co, lo];
        break;
      }
      case 'activation':
        v = v.map(act64[layer.fn]);
        break;
      case 'pool': {
        const lo = Math.floor(l / 2);
        const y = new Float64Array(c * lo);
        for (let q = 0; q < c; q++) {
          for (let t = 0; t < lo; t++) {
            const a = v[q * l + 2 * t];
            const bb = v[q * l + 2 * t + 1];
            y[q * lo + t] = layer.fn === 'max' ? Math.max(a, bb) : layer.fn === 'avg' ? (a + bb) / 2 : Math.hypot(a, bb);
          }
        }
        [v, l] = [y, lo];
        break;
      }
      case 'flatten':
        [c, l] = [c * l, 1];
        break;
      case 'residual': {
        const body = forward64(layer.body, v, { c, l }, p, next);
        v = v.map((value, i) => value + body.y[i]);
        break;
      }
      case 'gru': {
        const H = layer.hidden;
        const D = layer.bidirectional ? 2 : 1;
        const T = l;
        const y = new Float64Array(T * D * H);
        const sig = (z: number) => 1 / (1 + Math.exp(-z));
        for (let d = 0; d < D; d++) {
          const [wih, whh, bih, bhh] = [tensor(), tensor(), tensor(), tensor()];
          let h = new Float64Array(H);
          for (let step = 0; step < T; step++) {
            const t = d === 0 ? step : T - 1 - step;
            const gh = (g: number, k: number) => bhh[g * H + k] + h.reduce((s, hv, m) => s + whh[(g * H + k) * H + m] * hv, 0);
            const gi = (g: number, k: number) => wih[g * H + k] * v[t] + bih[g * H + k];
            const hNew = new Float64Array(H);
            for (let k = 0; k < H; k++) {
              const r = sig(gi(0, k) + gh(0, k));
              const z = sig(gi(1, k) + gh(1, k));
              const n = Math.tanh(gi(2, k) + r * gh(2, k));
              hNew[k] = (1 - z) * n + z * h[k];
            }
            h = hNew;
            for (let k = 0; k < H; k++) y[t * D * H + d * H + k] = h[k];
          }
        }
        [v, c, l] = [y, T, D * H];
        break;
      }
    }
  }
  return { y: v, c, l };
}

/** Logits (B, classes) and mean cross-entropy in float64. */
function model64(spec: ModelSpec, layout: ParamInfo[], p: Vec, x: Float32Array, y: Int32Array): { logits: Vec; loss: number } {
  const B = y.length;
  const F = spec.inputFeatures;
  const logits = new Float64Array(B * spec.classes);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    let k = 0;
    const out = forward64(spec.layers, Float64Array.from(x.subarray(b * F, (b + 1) * F)), { c: 1, l: F }, p, () => layout[k++]).y;
    logits.set(out, b * spec.classes);
    const m = Math.max(...out);
    const lse = m + Math.log(out.reduce((s, z) => s + Math.exp(z - m), 0));
    loss += (lse - out[y[b]]) / B;
  }
  return { logits, loss };
}

function expectClose(ours: ArrayLike<number>, ref: ArrayLike<number>, what: string): void {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= 1e-5 * Math.max(1, Math.abs(ref[i])))) expect.fail(`${what}[${i}]: ours ${ours[i]} vs float64 ${ref[i]}`);
    diff += d * d;
    norm += ref[i] * ref[i];
  }
  if (norm > 0) expect(Math.sqrt(diff / norm), `${what}: norm-relative error`).toBeLessThanOrEqual(1e-5);
}

const dense = (i: number, o: number): LayerSpec => ({ kind: 'dense', in: i, out: o });
const act = (fn: (typeof ACTIVATIONS)[number]): LayerSpec => ({ kind: 'activation', fn });
const conv = (ci: number, co: number, kernel: number, stride: number, padding: number): LayerSpec => ({ kind: 'conv1d', inChannels: ci, outChannels: co, kernel, stride, padding });
const flatten: LayerSpec = { kind: 'flatten' };

const CASES: [string, number, LayerSpec[]][] = [
  ['dense only', 9, [dense(9, 3)]],
  ['mlp with hidden 1 and a residual', 6, [dense(6, 1), act('relu'), { kind: 'residual', body: [dense(1, 1), act('tanh')] }, dense(1, 3)]],
  ['mlp3 with fused relus', 7, [dense(7, 5), act('relu'), dense(5, 5), act('relu'), dense(5, 3)]],
  ...ACTIVATIONS.map((fn): [string, number, LayerSpec[]] => [`activation ${fn} (standalone op)`, 6, [dense(6, 5), act('identity'), act(fn), dense(5, 3)]]),
  ['conv stride 1 pad 1, 2 channels', 11, [conv(1, 2, 3, 1, 1), act('relu'), conv(2, 2, 3, 1, 1), act('relu'), flatten, dense(22, 3)]],
  ['conv stride 3 kernel 5 pad 2, then stride 2 kernel 4', 13, [conv(1, 2, 5, 3, 2), act('tanh'), conv(2, 3, 4, 2, 1), act('relu'), flatten, dense(6, 3)]],
  ['conv stride 3 kernel 2 (positions no tap reaches)', 12, [conv(1, 2, 2, 1, 0), act('relu'), conv(2, 2, 2, 3, 0), flatten, dense(8, 3)]],
  ['conv kernel 5 wider than the input (padding 2: no position sees every tap)', 3, [conv(1, 2, 5, 1, 2), act('tanh'), flatten, dense(6, 3)]],
  ['conv kernel 4 stride 2, one input channel (the streaming first-layer kernel)', 10, [conv(1, 3, 4, 2, 1), act('relu'), flatten, dense(15, 3)]],
  ['conv kernel 1, one input channel', 5, [conv(1, 2, 1, 1, 0), act('tanh'), flatten, dense(10, 3)]],
  ['the paper CNN shape with 2 channels', 40, [conv(1, 2, 5, 2, 1), act('relu'), conv(2, 2, 3, 2, 1), act('relu'), conv(2, 2, 3, 2, 1), act('relu'), flatten, dense(10, 3)]],
  ...(['max', 'avg', 'l2'] as const).map((fn): [string, number, LayerSpec[]] => [
    `${fn} pooling, odd lengths`,
    11,
    [conv(1, 2, 3, 1, 1), act('relu'), { kind: 'pool', fn }, conv(2, 2, 3, 1, 1), act('relu'), { kind: 'pool', fn }, flatten, dense(4, 3)],
  ]),
  ['gru, unidirectional, hidden 1', 5, [{ kind: 'gru', hidden: 1, bidirectional: false }, flatten, dense(5, 3)]],
  ['gru, bidirectional, hidden 2', 6, [{ kind: 'gru', hidden: 2, bidirectional: true }, flatten, dense(24, 3)]],
];

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe.each(CASES)('%s: logits, loss and gradients match float64 finite differences', (_name, features, layers) => {
  it.each([1, 3, 7, 10])('batch %i', (batch) => {
    const spec: ModelSpec = { inputFeatures: features, classes: 3, layers };
    const trainer = new Trainer(engine, spec, { optimizer: 'sgd', lr: 0.1, batchSize: batch, seed: 7 + batch });
    try {
      const layout = trainer.layout();
      const x = uniforms(batch * features, 1000 + batch);
      const y = Int32Array.from({ length: batch }, (_, i) => (i * 2 + batch) % 3);
      const p = Float64Array.from(trainer.getParams());
      const ref = model64(spec, layout, p, x, y);
      expectClose(trainer.forward(x, batch), ref.logits, 'logits');
      const { loss, grads } = trainer.gradients(x, y);
      expectClose([loss], [ref.loss], 'loss');
      const eps = 1e-6;
      const fd = p.map((_, i) => {
        const q = p.slice();
        q[i] = p[i] + eps;
        const plus = model64(spec, layout, q, x, y).loss;
        q[i] = p[i] - eps;
        return (plus - model64(spec, layout, q, x, y).loss) / (2 * eps);
      });
      for (const info of layout) expectClose(grads.subarray(info.offset, info.offset + info.size), fd.subarray(info.offset, info.offset + info.size), `grad ${info.name}`);
    } finally {
      trainer.dispose(); // the engine runs one Trainer at a time
    }
  });
});

// The sparse dense-layer kernels (assembly/nn/sparse.ts), used under a mask that
// prunes most of a layer, against the dense kernels on the same masked parameters
// (sparseMaxDensity 0 forces the dense path). Forward passes must agree bit for bit;
// kept weights' gradients within 1e-6 of the gradient's largest entry (the sums run
// in another order); pruned weights' gradients are exactly 0; after training steps
// the parameters agree within 1e-5 * max(1, |p|).
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp3Model, mlpModel } from '../src/models/presets.js';
import type { ModelSpec } from '../src/models/spec.js';
import { Engine } from '../src/train/engine.js';
import { SPARSE_MAX_DENSITY, Trainer } from '../src/train/trainer.js';
import { configError } from './config-error.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

const FEATURES = 40;
const rand = lcg(7);
const x = Float32Array.from({ length: 300 * FEATURES }, () => rand() * 2 - 1);
const y = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 10);
const data = { features: FEATURES, x, y, xTest: x.subarray(0, 260 * FEATURES), yTest: y.subarray(0, 260) };

/** A mask keeping about `density` of every parameter; also prunes whole rows and columns of weights. */
function randomMask(t: Trainer, density: number, seed: number): Float32Array {
  const r = lcg(seed);
  const mask = Float32Array.from({ length: t.paramCount }, () => (r() < density ? 1 : 0));
  for (const p of t.layout().filter((q) => q.shape.length === 2)) {
    const [rows, cols] = p.shape;
    mask.fill(0, p.offset, p.offset + cols); // row 0
    for (let o = 0; o < rows; o++) mask[p.offset + o * cols + (cols - 1)] = 0; // the last column
  }
  return mask;
}

interface Outcome {
  logits: Float32Array;
  evalLoss: number;
  grads: Float32Array;
  params: Float32Array;
}

function run(model: ModelSpec, batch: number, mask: Float32Array | null, sparseMaxDensity: number): Outcome {
  const t = new Trainer(engine, model, { optimizer: 'adam', lr: 0.01, batchSize: batch, seed: 3 });
  try {
    t.setData(data);
    t.setMask(mask ?? randomMask(t, 0.3, 1), { sparseMaxDensity });
    const logits = t.forward(x.subarray(0, batch * FEATURES), batch);
    const evalLoss = t.evaluate('test').loss;
    const grads = t.gradients(x.subarray(0, batch * FEATURES), y.subarray(0, batch)).grads;
    t.trainSteps(25);
    return { logits, evalLoss, grads, params: t.getParams() };
  } finally {
    t.dispose();
  }
}

function maskFor(model: ModelSpec, density: number): { mask: Float32Array; weights: boolean[] } {
  const t = new Trainer(engine, model, { optimizer: 'adam', lr: 0.01, batchSize: 4, seed: 3 });
  const mask = randomMask(t, density, 11);
  const weights = new Array<boolean>(t.paramCount).fill(false);
  for (const p of t.layout().filter((q) => q.shape.length === 2)) weights.fill(true, p.offset, p.offset + p.size);
  t.dispose();
  return { mask, weights };
}

const MODELS: [string, ModelSpec][] = [
  ['residual MLP, hidden 64', mlpModel(64)],
  ['3-layer MLP, hidden 13', mlp3Model(13)],
];

describe.each(MODELS)('sparse kernels on the %s', (_name, model) => {
  // batches: ld 100 (overlapping last tile), 40, 32 (exact tiles), 8 and 4 (one-vector tiles)
  it.each([
    [100, 0.3],
    [40, 0.05],
    [32, 0.6],
    [7, 0.3],
    [3, 0.5],
  ])('batch %i, density %f: forward identical, gradients and training close', (batch, density) => {
    const { mask, weights } = maskFor(model, density);
    const dense = run(model, batch, mask, 0);
    const sparse = run(model, batch, mask, 1);
    expect(sparse.logits).toEqual(dense.logits);
    expect(sparse.evalLoss).toBe(dense.evalLoss);
    const scale = Math.max(...dense.grads.map(Math.abs));
    dense.grads.forEach((g, i) => {
      const ours = sparse.grads[i];
      if (weights[i] && mask[i] === 0) {
        if (ours !== 0) expect.fail(`pruned weight ${i}: gradient ${ours}, want 0`);
      } else if (!(Math.abs(ours - g) <= 1e-6 * scale)) {
        expect.fail(`gradient ${i}: sparse ${ours} vs dense ${g}`);
      }
    });
    dense.params.forEach((p, i) => {
      if (!(Math.abs(sparse.params[i] - p) <= 1e-5 * Math.max(1, Math.abs(p)))) expect.fail(`param ${i} after 25 steps: sparse ${sparse.params[i]} vs dense ${p}`);
      if (mask[i] === 0 && sparse.params[i] !== 0) expect.fail(`pruned param ${i} is ${sparse.params[i]}`);
    });
  });
});

describe('choosing the sparse kernels', () => {
  it('a mask denser than sparseMaxDensity keeps the dense kernels: gradients equal bit for bit', () => {
    const model = mlpModel(32);
    const { mask } = maskFor(model, 0.9);
    const auto = run(model, 16, mask, SPARSE_MAX_DENSITY);
    const dense = run(model, 16, mask, 0);
    expect(auto.grads).toEqual(dense.grads);
    expect(auto.params).toEqual(dense.params);
  });

  it('removing the mask returns to the dense kernels', () => {
    const model = mlpModel(32);
    const { mask } = maskFor(model, 0.2);
    const t = new Trainer(engine, model, { optimizer: 'adam', lr: 0.01, batchSize: 16, seed: 3 });
    t.setData(data);
    const params = t.getParams();
    const plain = t.gradients(x.subarray(0, 16 * FEATURES), y.subarray(0, 16)).grads;
    t.setMask(mask, { sparseMaxDensity: 1 });
    t.setMask(null);
    t.setParams(params);
    expect(t.gradients(x.subarray(0, 16 * FEATURES), y.subarray(0, 16)).grads).toEqual(plain);
    t.dispose();
  });

  it('rejects a sparseMaxDensity outside [0, 1], naming it', () => {
    const t = new Trainer(engine, mlpModel(8), { optimizer: 'adam', lr: 0.01, batchSize: 4, seed: 3 });
    const error = configError(() => t.setMask(null, { sparseMaxDensity: 1.5 }));
    expect(error.message).toMatch(/sparseMaxDensity/);
    expect(error.message).toMatch(/1\.5/);
    t.dispose();
  });
});

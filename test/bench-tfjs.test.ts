// The TF.js models of the benchmark are the paper's models: with PyTorch's
// initial parameters they reproduce the PyTorch fixtures' logits and loss, and
// the benchmark's own training step (Adam, SGD with momentum) reproduces
// PyTorch's parameters after one and two steps, on both TF.js backends.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TF_BACKENDS, useTfBackend } from '../bench/tfjs/backend.js';
import { buildTfModel, type TfBatch, type TfModel, type TfModelName } from '../bench/tfjs/models.js';
import { randomBatch } from '../bench/tfjs/measure.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface TorchParam {
  shape: number[];
  data: number[];
}
type TorchParams = Record<string, TorchParam>;
interface Fixture {
  num_params: number;
  param_order: string[];
  params: TorchParams;
  input: { x: number[]; x_shape: [number, number]; y: number[] };
  logits: number[];
  loss: number;
  adam: { lr: number };
  sgd_momentum: { lr: number; momentum: number };
  params_after_adam: TorchParams;
  params_after_sgd_momentum: TorchParams;
  extra_second_step_same_batch: { params_after_adam_2steps: TorchParams; params_after_sgd_momentum_2steps: TorchParams };
}

const fixtures = new Map<string, Fixture>();
function fixture(name: string): Fixture {
  if (!fixtures.has(name)) {
    const path = resolve(repoRoot, `../shared/reference/torch/${name}.json`);
    fixtures.set(name, JSON.parse(readFileSync(path, 'utf8')) as Fixture);
  }
  return fixtures.get(name)!;
}

/**
 * PyTorch layout -> the TF.js models' layout: vectors as they are, matrices
 * transposed ((OUT, IN) -> (IN, OUT)), conv weights (OUT, C, K) -> (K, C, OUT)
 * flattened to (K*C, OUT).
 */
function toTfLayout({ shape, data }: TorchParam): tf.Tensor {
  const t = tf.tensor(data, shape, 'float32');
  if (shape.length === 1) return t;
  if (shape.length === 2) return tf.transpose(t);
  const [out, c, k] = shape;
  return tf.transpose(t, [2, 1, 0]).reshape([k * c, out]);
}

function loadParams(model: TfModel, params: TorchParams): void {
  tf.tidy(() => {
    for (const { name, variable } of model.params) variable.assign(toTfLayout(params[name]));
  });
}

/** Largest |actual - expected| / (1 + |expected|) over all parameters. */
function paramError(model: TfModel, expected: TorchParams): number {
  return tf.tidy(() => {
    let worst = 0;
    for (const { name, variable } of model.params) {
      const want = toTfLayout(expected[name]);
      const err = tf.max(tf.div(tf.abs(tf.sub(variable, want)), tf.add(1, tf.abs(want)))).dataSync()[0];
      worst = Math.max(worst, err);
    }
    return worst;
  });
}

function fixtureBatch(f: Fixture): TfBatch {
  return {
    x: tf.tensor2d(f.input.x, f.input.x_shape, 'float32'),
    y: tf.oneHot(tf.tensor1d(f.input.y, 'int32'), 10) as tf.Tensor2D,
  };
}

const PAPER_MODELS: TfModelName[] = ['linear', 'mlp', 'cnn', 'gru'];

describe.each(TF_BACKENDS)('TF.js benchmark models on the %s backend', (backend) => {
  describe.each(PAPER_MODELS)('%s', (name) => {
    it('has PyTorch parameter names and count, and reproduces its logits and loss', async () => {
      await useTfBackend(backend);
      const f = fixture(name);
      const model = buildTfModel({ model: name, optimizer: 'adam', lr: f.adam.lr, momentum: 0 }, 0);
      const batch = fixtureBatch(f);
      try {
        expect(model.params.map((p) => p.name)).toEqual(f.param_order);
        expect(model.paramCount).toBe(f.num_params);
        loadParams(model, f.params);
        const logits = tf.tidy(() => model.logits(batch.x).dataSync());
        const logitError = Math.max(...f.logits.map((v, i) => Math.abs(logits[i] - v)));
        expect(logitError).toBeLessThan(1e-5);
        expect(model.loss(batch)).toBeCloseTo(f.loss, 5);
      } finally {
        model.dispose();
        tf.dispose([batch.x, batch.y]);
      }
    });

    it.each(['adam', 'sgd'] as const)('takes the same two %s steps as PyTorch', async (optimizer) => {
      await useTfBackend(backend);
      const f = fixture(name);
      const settings = optimizer === 'adam' ? { lr: f.adam.lr, momentum: 0 } : f.sgd_momentum;
      const model = buildTfModel({ model: name, optimizer, lr: settings.lr, momentum: settings.momentum }, 0);
      const batch = fixtureBatch(f);
      const [after1, after2] =
        optimizer === 'adam'
          ? [f.params_after_adam, f.extra_second_step_same_batch.params_after_adam_2steps]
          : [f.params_after_sgd_momentum, f.extra_second_step_same_batch.params_after_sgd_momentum_2steps];
      try {
        loadParams(model, f.params);
        model.step(batch);
        expect(paramError(model, after1)).toBeLessThan(1e-5);
        model.step(batch);
        expect(paramError(model, after2)).toBeLessThan(1e-5);
      } finally {
        model.dispose();
        tf.dispose([batch.x, batch.y]);
      }
    });
  });

  it('trains mlp3 (h = 50, SGD momentum 0.9) on a learnable target', async () => {
    await useTfBackend(backend);
    const hidden = 50;
    const model = buildTfModel({ model: 'mlp3', hidden, optimizer: 'sgd', lr: 0.05, momentum: 0.9 }, 3);
    const { x, y: unused } = randomBatch(100, 3);
    // Label = which of the first ten inputs is largest.
    const batch = { x, y: tf.tidy(() => tf.oneHot(tf.argMax(x.slice([0, 0], [100, 10]), 1), 10) as tf.Tensor2D) };
    try {
      expect(model.paramCount).toBe(40 * hidden + hidden + hidden * hidden + hidden + hidden * 10 + 10);
      const before = model.loss(batch);
      for (let i = 0; i < 200; i++) model.step(batch);
      const after = model.loss(batch);
      expect(before).toBeGreaterThan(2);
      expect(after).toBeLessThan(0.25 * before);
    } finally {
      model.dispose();
      tf.dispose([x, unused, batch.y]);
    }
  });
});

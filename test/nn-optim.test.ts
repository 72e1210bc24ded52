// The optimizers against PyTorch 1.13's update formulas written out in float64 here
// (the fixtures cover Adam and SGD-momentum without weight decay): SGD with and
// without momentum, Adam and RMSprop with L2 weight decay, RMSprop's initial square
// average, and a mask. Three steps on one batch, each checked with the engine's own
// gradient at the current parameters. Tolerance: |ours - ref| <= 1e-6 * max(1, |ref|).
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel } from '../src/models/presets.js';
import { Engine } from '../src/train/engine.js';
import { Trainer, type TrainerOptions } from '../src/train/trainer.js';

type Update = (p: Float64Array, g: Float64Array, t: number) => void;

function reference(opts: TrainerOptions): Update {
  const wd = opts.weightDecay ?? 0;
  const n = 1 << 16;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  if (opts.optimizer === 'rmsprop') a.fill(opts.rmsprop!.initialSquareAvg);
  return (p, grad, t) => {
    for (let i = 0; i < p.length; i++) {
      const g = grad[i] + wd * p[i];
      if (opts.optimizer === 'sgd') {
        const m = opts.momentum ?? 0;
        const d = m ? (a[i] = t === 1 ? g : m * a[i] + g) : g;
        p[i] -= opts.lr * d;
      } else if (opts.optimizer === 'adam') {
        a[i] = 0.9 * a[i] + 0.1 * g;
        b[i] = 0.999 * b[i] + 0.001 * g * g;
        p[i] -= ((opts.lr / (1 - 0.9 ** t)) * a[i]) / (Math.sqrt(b[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      } else {
        const { alpha, eps } = opts.rmsprop!;
        a[i] = alpha * a[i] + (1 - alpha) * g * g;
        p[i] -= (opts.lr * g) / (Math.sqrt(a[i]) + eps);
      }
    }
  };
}

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const CASES: [string, TrainerOptions][] = [
  ['SGD', { optimizer: 'sgd', lr: 0.1, batchSize: 16, seed: 1 }],
  ['SGD momentum 0.9, weight decay 1e-2', { optimizer: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-2, batchSize: 16, seed: 1 }],
  ['Adam, weight decay 1e-3', { optimizer: 'adam', lr: 0.01, weightDecay: 1e-3, batchSize: 16, seed: 1 }],
  ['RMSprop (alpha 0.4, eps 1e-8, square average starting at 1)', { optimizer: 'rmsprop', lr: 0.01, batchSize: 16, seed: 1, rmsprop: { alpha: 0.4, eps: 1e-8, initialSquareAvg: 1 } }],
  ['RMSprop (alpha 0.99, eps 1e-6, weight decay 1e-2)', { optimizer: 'rmsprop', lr: 0.01, weightDecay: 1e-2, batchSize: 16, seed: 1, rmsprop: { alpha: 0.99, eps: 1e-6, initialSquareAvg: 0 } }],
];

describe.each(CASES)('%s follows the PyTorch update formulas', (_name, opts) => {
  it.each([false, true])('three steps (masked: %s)', (masked) => {
    const t = new Trainer(engine, mlpModel(12), opts);
    let s = 99;
    const x = Float32Array.from({ length: 16 * 40 }, () => ((s = (s * 69069 + 1) >>> 0) / 2 ** 32) * 2 - 1);
    const y = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    t.setData({ features: 40, x, y, xTest: x, yTest: y });
    // scattered pruned entries and whole pruned blocks
    const mask = masked ? Float32Array.from({ length: t.paramCount }, (_, i) => (i % 5 === 2 || i % 64 < 8 ? 0 : 1)) : null;
    t.setMask(mask);
    const update = reference(opts);
    for (let step = 1; step <= 3; step++) {
      const p = Float64Array.from(t.getParams());
      update(p, Float64Array.from(t.gradients(x, y).grads), step);
      if (mask) p.forEach((v, i) => (p[i] = v * mask[i]));
      t.trainSteps(1);
      const ours = t.getParams();
      p.forEach((ref, i) => {
        if (!(Math.abs(ours[i] - ref) <= 1e-6 * Math.max(1, Math.abs(ref)))) expect.fail(`step ${step} param ${i}: ours ${ours[i]} vs ${ref}`);
      });
    }
    t.dispose();
  });
});

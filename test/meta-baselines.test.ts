// What the activation study's baselines and test accuracies rest on: MetaSession.train
// runs the inner loop alone (the gradient runs' losses), noise replaced per call acts as
// a fresh problem's, every fixed activation carries consistent first and second
// derivatives (its learning-rate derivative matches central differences), and
// accuracy() counts the test rows the final classifier gets right.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { featureMajorData } from '../src/data/dataset.js';
import type { FeatureMajorData } from '../src/data/types.js';
import { MetaSession, metaGradient } from '../src/meta/meta-gradient.js';
import { NoiseStream } from '../src/meta/noise.js';
import { Engine } from '../src/train/engine.js';
import { NOTEBOOK_PIECEWISE_FIT } from '../src/experiments/metalearn-activation-task.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const base = JSON.parse(readFileSync(resolve(root, 'meta_act_k20_noise.json'), 'utf8')).problem;
const steps = 6;
const learned = {
  ...base,
  steps,
  metaLoss: { lastLosses: 3 },
  noise: { inner: base.noise.inner.slice(0, steps), activation: base.noise.activation.slice(0, steps) },
};
/** A continuous piecewise-linear function (the notebook's fit jumps at -0.25, where no derivative exists). */
const continuousPiecewise = { breaks: [-1, 0.5], coefficients: [[0.1, 0.2], [-0.5, -0.4], [1.3, -1.3]] };
/** The same inner loop with a fixed activation (no g, so no noise inside it). */
const fixed = (activation: string, piecewise: object = continuousPiecewise) => {
  const { activation: _net, noise, ...rest } = learned;
  return { ...rest, model: { ...rest.model, activation }, noise: { inner: noise.inner }, ...(activation === 'piecewise' && { piecewise }) };
};

let data: FeatureMajorData;
let engine: Engine;
beforeAll(async () => {
  data = featureMajorData(await makeDataset());
  engine = await Engine.create();
});

describe('MetaSession.train and accuracy', () => {
  it('trains as the gradient runs do, and replaced noise acts as a fresh problem', async () => {
    const noise = new NoiseStream(3, 0.1).next(steps, 128, 100);
    const rows = (flat: Float32Array, width: number) => Array.from({ length: steps }, (_, t) => Array.from(flat.subarray(t * width, (t + 1) * width)));
    const fresh = await metaGradient({ ...learned, noise: { inner: rows(noise.inner, 128), activation: rows(noise.activation, 100) } }, { engine, data });
    const session = await MetaSession.create(learned, { engine, data });
    try {
      const { metaLoss, losses } = session.gradient();
      expect(session.train()).toEqual({ metaLoss, losses });
      expect(session.gradient({ noise })).toEqual(fresh);
      expect(() => session.train({ noise: { inner: [1, 2], activation: noise.activation } })).toThrow('options.noise.inner must have 768 values, got 2');
    } finally {
      session.dispose();
    }
  });

  it.each(['relu', 'sigmoid', 'softplus', 'swish', 'tanh', 'elu', 'piecewise'])('%s: d(meta-loss)/d(lr) matches central differences of the inner loop', async (activation) => {
    const session = await MetaSession.create(fixed(activation), { engine, data });
    try {
      const lr = base.optimizer.lr, h = lr * 1e-2;
      const { metaGrad, metaLoss } = session.gradient({ wrt: 'lr' });
      expect(session.train().metaLoss).toBe(metaLoss);
      const central = (session.train({ lr: lr + h }).metaLoss - session.train({ lr: lr - h }).metaLoss) / (2 * h);
      expect(Math.abs((metaGrad as number) - central)).toBeLessThanOrEqual(2e-2 * Math.abs(central));
    } finally {
      session.dispose();
    }
  });

  it("computes the notebook's piecewise fit: the first inner loss matches a float64 forward pass", async () => {
    const { breaks, coefficients } = NOTEBOOK_PIECEWISE_FIT;
    const fit = (z: number) => {
      const [a, c] = coefficients[breaks.filter((b) => z >= b).length];
      return a * z + c;
    };
    const session = await MetaSession.create(fixed('piecewise', NOTEBOOK_PIECEWISE_FIT), { engine, data });
    try {
      const rows = data.y.length;
      let loss = 0;
      for (let r = 0; r < base.batchSize; r++) {
        const logits = forward(fit, (f) => data.x[f * rows + r], learned.noise.inner[0]);
        const max = Math.max(...logits);
        loss += Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0)) + max - logits[data.y[r]];
      }
      expect(session.train().losses[0]).toBeCloseTo(loss / base.batchSize, 5);
    } finally {
      session.dispose();
    }
  });

  it('counts the test rows the final classifier gets right, without noise', async () => {
    // a learning rate so small that the classifier stays at its initial parameters
    const session = await MetaSession.create({ ...fixed('elu'), steps: 1, metaLoss: { lastLosses: 1 }, noise: { inner: [learned.noise.inner[0]] } }, { engine, data });
    try {
      session.train({ lr: 1e-30 });
      const rows = data.yTest.length, count = 300;
      let hits = 0;
      for (let r = 0; r < count; r++) {
        const logits = forward((z) => (z > 0 ? z : Math.expm1(z)), (f) => data.xTest[f * rows + r]);
        if (logits.indexOf(Math.max(...logits)) === data.yTest[r]) hits++;
      }
      expect(session.accuracy(data, count)).toBe(hits / count);
      expect(() => session.accuracy(data, 0)).toThrow('count must be an integer in [1, 1000] (the test rows), got 0');
    } finally {
      session.dispose();
    }
  });
});

/** The initial classifier's logits for one row in float64: act(W1 x + b1) [+ noise], then W2 h + b2. */
function forward(act: (z: number) => number, x: (feature: number) => number, noise?: number[]): number[] {
  const p: number[] = base.initialParams;
  const [IN, H, C] = [40, 128, 10];
  const h = Array.from({ length: H }, (_, i) => {
    let z = p[H * IN + i];
    for (let f = 0; f < IN; f++) z += p[i * IN + f] * x(f);
    return act(z) + (noise?.[i] ?? 0);
  });
  return Array.from({ length: C }, (_, c) => h.reduce((s, v, i) => s + p[H * IN + H + c * H + i] * v, p[H * IN + H + C * H + c]));
}

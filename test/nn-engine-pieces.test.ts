// The engine's pieces one by one, as meta-learning uses them: loss and gradients at
// the parameters in place without a step, one optimizer step, and the parameters and
// gradients as zero-copy views. Composed, they are exactly one training step.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '../src/data/types.js';
import { mlpModel } from '../src/models/presets.js';
import { Engine } from '../src/train/engine.js';
import { Trainer, type TrainerOptions } from '../src/train/trainer.js';

const FEATURES = 40;
const BATCH = 10;
const OPTIONS: TrainerOptions = { optimizer: 'adam', lr: 0.01, batchSize: BATCH, seed: 5 };

function data(n: number): TrainingData {
  let s = 777;
  const x = Float32Array.from({ length: n * FEATURES }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 31 - 1;
  });
  const y = Int32Array.from({ length: n }, (_, i) => (i * 3) % 10);
  return { features: FEATURES, x, y, xTest: x.slice(0, 5 * FEATURES), yTest: y.slice(0, 5) };
}

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

/** Runs `body` on a fresh Trainer and disposes it (the engine runs one at a time). */
function withTrainer<T>(body: (t: Trainer) => T): T {
  const t = new Trainer(engine, mlpModel(32), OPTIONS);
  try {
    return body(t);
  } finally {
    t.dispose();
  }
}

describe('the engine pieces', () => {
  const d = data(30);
  const x = d.x.subarray(0, BATCH * FEATURES);
  const y = d.y.subarray(0, BATCH);

  it('lossAndGradients then step is exactly one training step (first batch, sequential order)', () => {
    const trained = withTrainer((t) => {
      t.setData(d);
      const { loss } = t.trainSteps(1);
      return { loss, params: t.getParams() };
    });
    const composed = withTrainer((t) => {
      const loss = t.lossAndGradients(x, y);
      t.step();
      return { loss, params: t.getParams() };
    });
    expect(composed.loss).toBe(trained.loss);
    expect(composed.params).toEqual(trained.params);
  });

  it('lossAndGradients leaves the parameters alone and its gradients in grads(), as gradients() copies them', () => {
    withTrainer((t) => {
      const before = t.getParams();
      const loss = t.lossAndGradients(x, y);
      expect(t.getParams()).toEqual(before);
      const copy = t.gradients(x, y);
      expect(copy.loss).toBe(loss);
      expect(t.grads()).toEqual(copy.grads);
    });
  });

  it('params() and grads() are views into the engine memory, not copies', () => {
    withTrainer((t) => {
      const params = t.params();
      expect(params.buffer).toBe(engine.wasm.memory.buffer);
      expect(params.length).toBe(t.paramCount);
      params.fill(0); // all-zero parameters: uniform logits, loss ln(10)
      expect(t.lossAndGradients(x, y)).toBeCloseTo(Math.log(10), 6);
      const grads = t.grads();
      const first = grads.slice();
      params[0] = 1;
      t.lossAndGradients(x, y);
      expect(grads).not.toEqual(first); // the same view sees the new gradients
    });
  });

  it('a disposed Trainer refuses every piece', () => {
    const t = new Trainer(engine, mlpModel(32), OPTIONS);
    t.dispose();
    for (const use of [() => t.params(), () => t.grads(), () => t.step(), () => t.lossAndGradients(x, y)]) {
      expect(use).toThrow('this Trainer was disposed');
    }
  });
});

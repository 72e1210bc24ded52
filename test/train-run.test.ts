// trainOnData and the Trainer API: evaluation schedule and progress, divergence,
// determinism, the batch orders (train.py's sequential rows, a fresh shuffle per
// epoch), init, masks, parameter round trips, engine reuse and input checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { featureMajorData, toFeatureMajor, trainingData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import type { TrainingData } from '../src/data/types.js';
import { linearModel, mlpModel } from '../src/models/presets.js';
import { ConfigError } from '../src/schema.js';
import { parseRunConfig } from '../src/train/config.js';
import { Engine } from '../src/train/engine.js';
import { trainOnData } from '../src/train/run.js';
import { Trainer } from '../src/train/trainer.js';
import type { RunProgress } from '../src/train/types.js';

let engine: Engine;
let data: TrainingData;
beforeAll(async () => {
  engine = await Engine.create();
  data = trainingData(await makeDataset({ numSamples: 1000 })); // 800 train, 1000 - 800 test
});

/** n rows of `features` values in [-1, 1) and labels i mod 10 (deterministic). */
function syntheticData(n: number, features = 40): TrainingData {
  let s = 12345;
  const x = Float32Array.from({ length: n * features }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 31 - 1;
  });
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return { features, x, y, xTest: x.slice(0, 10 * features), yTest: y.slice(0, 10) };
}

describe('trainOnData', () => {
  it('refuses a batch larger than the training data instead of wrapping around it', () => {
    // data: 800 training examples
    expect(() => trainOnData(engine, data, parseRunConfig({ model: 'linear', steps: 1, batchSize: 801, dataset: { numSamples: 5000 } }))).toThrow(
      /^batchSize must be at most the 800 training examples of the data, got 801$/,
    );
    expect(trainOnData(engine, data, parseRunConfig({ model: 'linear', steps: 1, batchSize: 800 })).status).toBe('ok');
  });

  it('evaluates at step 0, every evalEvery steps and at the end, reporting progress', () => {
    const progress: RunProgress[] = [];
    const record = trainOnData(engine, data, parseRunConfig({ model: 'mlp', steps: 130, evalEvery: 50 }), (p) => progress.push(p));
    expect(record.status).toBe('ok');
    expect(record.steps).toBe(130);
    expect(record.history.map((p) => p.step)).toEqual([0, 50, 100, 130]);
    expect(progress.filter((p) => p.point).map((p) => p.step)).toEqual([0, 50, 100, 130]);
    expect(progress.every((p) => p.totalSteps === 130)).toBe(true);
    const last = record.history.at(-1)!;
    expect(record.test_acc).toBe(last.test_acc);
    expect(record.train_loss).toBe(last.train_loss);
    expect(last.train_acc).toBeGreaterThan(0.4); // learning, from 10 % at step 0
    expect(record.history[0].train_acc).toBeLessThan(0.25);
    expect(record.wall_s).toBeGreaterThan(0);
    expect(record.steps_per_s).toBeGreaterThan(0);
  });

  it('evaluates only at the end when evalEvery is 0', () => {
    const record = trainOnData(engine, data, parseRunConfig({ model: 'linear', steps: 20, evalEvery: 0 }));
    expect(record.history.map((p) => p.step)).toEqual([20]);
  });

  it('is deterministic: the same config gives the same record', () => {
    const config = parseRunConfig({ model: 'cnn', channels: 4, steps: 60, evalEvery: 30, batchOrder: 'shuffle', seed: 3 });
    const a = trainOnData(engine, data, config);
    const b = trainOnData(engine, data, config);
    expect(b.history).toEqual(a.history);
    const c = trainOnData(engine, data, { ...config, seed: 4 });
    expect(c.history.at(-1)!.train_loss).not.toBe(a.history.at(-1)!.train_loss);
  });

  it('stops a diverging run with status diverged and the step', () => {
    const record = trainOnData(engine, data, parseRunConfig({ model: 'mlp', optimizer: 'sgd', lr: 1e6, steps: 200, evalEvery: 0 }));
    expect(record.status).toBe('diverged');
    expect(record.steps).toBeLessThan(200);
    expect(record.reason).toMatch(new RegExp(`non-finite at step ${record.steps + 1}`));
  });

  it('runs epochs of shuffled batches (double-descent style)', () => {
    const record = trainOnData(engine, data, parseRunConfig({ model: 'mlp3', hidden: 16, optimizer: 'sgd', epochs: 3, batchOrder: 'shuffle', evalEvery: 0 }));
    expect(record.steps).toBe(24);
  });

  it('trains bit for bit alike on feature-major and row-major data, spatially shuffled or not', async () => {
    const columns = featureMajorData(await makeDataset({ numSamples: 1000 }));
    for (const shuffleSeq of [false, true]) {
      const config = parseRunConfig({ model: 'cnn', channels: 4, steps: 40, evalEvery: 20, shuffleSeq });
      const { wall_s: _a, steps_per_s: _b, ...fromColumns } = trainOnData(engine, columns, config);
      const { wall_s: _c, steps_per_s: _d, ...fromRows } = trainOnData(engine, data, config);
      expect(fromColumns).toEqual(fromRows);
    }
  });

  it('applies the notebook spatial shuffle to train and test data', () => {
    const spatial = trainOnData(engine, data, parseRunConfig({ model: 'linear', steps: 50, evalEvery: 0, shuffleSeq: true }));
    const plain = trainOnData(engine, data, parseRunConfig({ model: 'linear', steps: 50, evalEvery: 0 }));
    // a linear model is permutation-equivariant: permuting inputs and initial weights alike gives the same
    // function, but the init is not permuted, so the runs differ slightly yet stay close
    expect(spatial.test_acc).not.toBe(plain.test_acc);
    expect(Math.abs(spatial.test_acc! - plain.test_acc!)).toBeLessThan(0.1);
  });
});

describe('feature-major data', () => {
  it('holds the float32 rows of trainingData transposed to (features, n), made once where the dataset is made', async () => {
    const ds = await makeDataset({ numSamples: 100, finalSeqLength: 7 });
    const rows = trainingData(ds);
    const columns = featureMajorData(ds, { shared: true });
    expect(columns.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(columns).toMatchObject({ layout: 'feature-major', features: 7 });
    for (const [split, n] of [['x', 80], ['xTest', 20]] as const) {
      for (let i = 0; i < n; i++) for (let f = 0; f < 7; f++) expect(columns[split][f * n + i]).toBe(rows[split][i * 7 + f]);
    }
    expect(columns.y).toEqual(rows.y);
    expect(toFeatureMajor(rows)).toEqual({ ...columns, x: Float32Array.from(columns.x), xTest: Float32Array.from(columns.xTest), y: rows.y, yTest: rows.yTest });
  });
});

describe('batch order', () => {
  // With parameters 0 and SGD (lr 1, no momentum) one step leaves params = -gradient of its batch.
  const stepGradient = (trainer: Trainer) => {
    trainer.setParams(new Float32Array(trainer.paramCount));
    trainer.trainSteps(1);
    return trainer.getParams().map((v) => -v);
  };
  const rows = (d: TrainingData, idx: number[]) => ({
    x: Float32Array.from(idx.flatMap((i) => Array.from(d.x.subarray(i * d.features, (i + 1) * d.features)))),
    y: Int32Array.from(idx.map((i) => d.y[i])),
  });
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

  it("sequential: step s uses rows [(s*B) mod N, +B), cut short at the end (train.py)", () => {
    const d = syntheticData(25);
    const t = new Trainer(engine, linearModel(), { optimizer: 'sgd', lr: 1, batchSize: 10, seed: 0 });
    t.setData(d);
    for (const batch of [range(0, 10), range(10, 20), range(20, 25), range(5, 15)]) {
      const g = stepGradient(t);
      const { x, y } = rows(d, batch);
      t.setParams(new Float32Array(t.paramCount));
      const expected = t.gradients(x, y).grads;
      expect(Array.from(g)).toEqual(Array.from(expected));
    }
    t.dispose();
  });

  it('shuffle: every epoch visits each row once, in a fresh order, the same for the same seed', () => {
    const d = syntheticData(30);
    const epochGradients = (seed: number) => {
      const t = new Trainer(engine, linearModel(), { optimizer: 'sgd', lr: 1, batchSize: 10, seed, batchOrder: 'shuffle' });
      t.setData(d);
      const steps = Array.from({ length: 6 }, () => stepGradient(t));
      t.dispose();
      return steps;
    };
    const sum = (gs: Float32Array[]) => gs.reduce((acc, g) => acc.map((v, i) => v + g[i]), new Float64Array(gs[0].length));
    const t = new Trainer(engine, linearModel(), { optimizer: 'sgd', lr: 1, batchSize: 10, seed: 0 });
    t.setParams(new Float32Array(t.paramCount));
    const full = t.gradients(rows(d, range(0, 30)).x, rows(d, range(0, 30)).y).grads; // mean over all rows
    t.dispose();
    const a = epochGradients(1);
    for (const epoch of [a.slice(0, 3), a.slice(3, 6)]) {
      const mean = sum(epoch).map((v) => v / 3); // equal batches: the mean of batch means is the full mean
      mean.forEach((v, i) => expect(Math.abs(v - full[i])).toBeLessThan(1e-5));
    }
    expect(a[3]).not.toEqual(a[0]); // the second epoch is reshuffled
    const sequential = new Trainer(engine, linearModel(), { optimizer: 'sgd', lr: 1, batchSize: 10, seed: 1 });
    sequential.setData(d);
    expect(a[0]).not.toEqual(stepGradient(sequential));
    sequential.dispose();
    expect(epochGradients(1)).toEqual(a);
    expect(epochGradients(2)[0]).not.toEqual(a[0]);
  });
});

describe('Trainer', () => {
  it('draws PyTorch-style init: U(±1/sqrt(fan_in)) for weights and biases, reproducible per seed', () => {
    const t = new Trainer(engine, mlpModel(100), { optimizer: 'adam', lr: 0.01, batchSize: 100, seed: 5 });
    const p = t.getParams();
    for (const info of t.layout()) {
      const bound = 1 / Math.sqrt(info.shape.length === 2 ? info.shape[1] : info.name.startsWith('linear1') ? 40 : 100);
      const values = p.subarray(info.offset, info.offset + info.size);
      expect(Math.max(...values.map(Math.abs)), info.name).toBeLessThanOrEqual(bound);
      if (info.size >= 1000) {
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const variance = values.reduce((a, b) => a + b * b, 0) / values.length;
        expect(Math.abs(mean)).toBeLessThan(0.1 * bound);
        expect(variance / (bound * bound)).toBeCloseTo(1 / 3, 1); // U(-b, b) has variance b²/3
      }
    }
    t.initParams(5);
    expect(t.getParams()).toEqual(p);
    t.initParams(6);
    expect(t.getParams()).not.toEqual(p);
    t.dispose();
  });

  it('lists parameters in named_parameters order with layer ordinals', () => {
    const t = new Trainer(engine, mlpModel(7), { optimizer: 'adam', lr: 0.01, batchSize: 4, seed: 0 });
    expect(t.layout().map(({ name, shape, offset, layer }) => [name, shape, offset, layer])).toEqual([
      ['linear1.weight', [7, 40], 0, 0],
      ['linear1.bias', [7], 280, 0],
      ['linear2.weight', [7, 7], 287, 1],
      ['linear2.bias', [7], 336, 1],
      ['linear3.weight', [10, 7], 343, 2],
      ['linear3.bias', [10], 413, 2],
    ]);
    expect(t.paramCount).toBe(423);
    t.dispose();
  });

  it('keeps masked parameters at zero through training, and setParams round-trips', () => {
    const t = new Trainer(engine, mlpModel(20), { optimizer: 'adam', lr: 0.01, batchSize: 50, seed: 0 });
    t.setData(data);
    const mask = Float32Array.from({ length: t.paramCount }, (_, i) => (i % 3 === 0 ? 0 : 1));
    t.setMask(mask);
    expect(t.getParams().filter((_, i) => i % 3 === 0).every((v) => v === 0)).toBe(true);
    t.trainSteps(30);
    const p = t.getParams();
    expect(p.filter((_, i) => i % 3 === 0).every((v) => v === 0)).toBe(true);
    expect(p.filter((_, i) => i % 3 !== 0).some((v) => v !== 0)).toBe(true);
    t.setMask(null);
    const q = p.map((v, i) => v + i * 1e-3);
    t.setParams(q);
    expect(t.getParams()).toEqual(q);
    t.dispose();
  });

  it('resetOptimizer restarts Adam: the same first step again', () => {
    const t = new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 100, seed: 0 });
    t.setData(data);
    const p0 = t.getParams();
    t.trainSteps(1);
    const p1 = t.getParams();
    t.trainSteps(5);
    t.setParams(p0);
    t.resetOptimizer();
    t.resetBatches();
    t.trainSteps(1);
    expect(t.getParams()).toEqual(p1);
    t.dispose();
  });

  it('forward gives any number of rows (in evaluation-sized chunks), each bit-identical whatever batch it sits in', () => {
    const t = new Trainer(engine, mlpModel(30), { optimizer: 'adam', lr: 0.01, batchSize: 8, seed: 0 });
    const n = 600;
    const all = t.forward(data.x.subarray(0, n * 40), n);
    const one = t.forward(data.x.subarray(599 * 40, 600 * 40), 1);
    expect(Array.from(all.subarray(599 * 10))).toEqual(Array.from(one));
    t.dispose();
  });

  it('an Engine runs one Trainer at a time; a disposed Trainer refuses to run', () => {
    const a = new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 10, seed: 0 });
    expect(() => new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 10, seed: 0 })).toThrow(
      'this Engine still runs another Trainer: dispose() it before creating the next one',
    );
    expect(a.getParams().length).toBe(410);
    a.dispose();
    expect(() => a.trainSteps(1)).toThrow('this Trainer was disposed');
    const b = new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 10, seed: 0 });
    expect(b.getParams().length).toBe(410);
    b.dispose();
  });

  it('rejects bad input naming the field and the allowed range', () => {
    const t = new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 10, seed: 0 });
    expect(() => t.trainSteps(1)).toThrow(/call setData first/);
    expect(() => t.setData(syntheticData(10, 30))).toThrow('data has 30 features but the model expects 40');
    const bad = syntheticData(10);
    bad.y[3] = 10;
    expect(() => t.setData(bad)).toThrow('data.y[3] must be a class in 0..9, got 10');
    expect(() => t.setParams(new Float32Array(3))).toThrow('params must be a Float32Array of 410 values, got 3');
    expect(() => t.setData(syntheticData(10), Int32Array.from({ length: 40 }, () => 0))).toThrow(/positionPermutation must be a permutation of 0..39/);
    expect(() => t.gradients(new Float32Array(40 * 300), new Int32Array(300))).toThrow('gradients takes 1 to 256 examples, got 300');
    t.dispose();
    expect(() => new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 0, seed: 0 })).toThrow(ConfigError);
    expect(() => new Trainer(engine, linearModel(), { optimizer: 'adam', lr: 0.01, batchSize: 0, seed: 0 })).toThrow('trainer.batchSize must be an integer >= 1');
  });
});

// Every PyTorch fixture in ../shared/reference/torch: logits, loss, every gradient,
// and the parameters after one and two Adam and SGD-momentum steps.
// Tolerance (float32, different summation orders): per tensor, the norm-relative
// error ||ours - torch|| / ||torch|| <= 2e-6, and every element within
// |ours - torch| <= 1e-5 * max(1, |torch|).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnModel, convPoolModel, gruModel, linearModel, mlpModel } from '../src/models/presets.js';
import type { ModelSpec } from '../src/models/spec.js';
import { Engine } from '../src/train/engine.js';
import { Trainer } from '../src/train/trainer.js';

const fixtureDir = path.resolve(import.meta.dirname, '..', '../shared/reference/torch');

interface Tensor {
  shape: number[];
  data: number[];
}
type Tensors = Record<string, Tensor>;
interface Fixture {
  param_order: string[];
  params: Tensors;
  grads: Tensors;
  input: { x: number[]; y: number[] };
  logits: number[];
  loss: number;
  params_after_adam: Tensors;
  params_after_sgd_momentum: Tensors;
  extra_second_step_same_batch: {
    adam_loss_before_step2: number;
    params_after_adam_2steps: Tensors;
    sgd_momentum_loss_before_step2: number;
    params_after_sgd_momentum_2steps: Tensors;
  };
}

const MODELS: Record<string, ModelSpec> = {
  linear: linearModel(),
  mlp: mlpModel(100),
  cnn: cnnModel(25),
  gru: gruModel(6, true),
  conv_pool_max: convPoolModel('max', 20),
  conv_pool_avg: convPoolModel('avg', 20),
  conv_pool_lp2: convPoolModel('l2', 20),
};

/** Norm-relative error of `ours` against `ref`, after checking every element. */
function expectClose(ours: ArrayLike<number>, ref: ArrayLike<number>, what: string): void {
  expect(ours.length, `${what}: length`).toBe(ref.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= 1e-5 * Math.max(1, Math.abs(ref[i])))) {
      expect.fail(`${what}[${i}]: ours ${ours[i]} vs torch ${ref[i]} (|diff| ${d})`);
    }
    diff += d * d;
    norm += ref[i] * ref[i];
  }
  const rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
  expect(rel, `${what}: norm-relative error`).toBeLessThanOrEqual(2e-6);
}

function flat(fixture: Fixture, tensors: Tensors): Float32Array {
  return Float32Array.from(fixture.param_order.flatMap((name) => tensors[name].data));
}

function expectParams(trainer: Trainer, fixture: Fixture, tensors: Tensors, what: string): void {
  const params = trainer.getParams();
  for (const p of trainer.layout()) expectClose(params.subarray(p.offset, p.offset + p.size), tensors[p.name].data, `${what} ${p.name}`);
}

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe.each(Object.keys(MODELS))('%s matches PyTorch 1.13 (norm-relative <= 2e-6, elements <= 1e-5 * max(1, |ref|))', (name) => {
  const fixture = JSON.parse(readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as Fixture;
  const x = Float32Array.from(fixture.input.x);
  const y = Int32Array.from(fixture.input.y);
  const data = { features: 40, x, y, xTest: x, yTest: y };
  const trainer = (optimizer: 'adam' | 'sgd') => {
    const t = new Trainer(engine, MODELS[name], { optimizer, lr: 0.01, momentum: 0.9, batchSize: 8, seed: 0 });
    t.setParams(flat(fixture, fixture.params));
    t.setData(data);
    return t;
  };

  it('lays out parameters as named_parameters()', () => {
    const t = trainer('adam');
    expect(t.layout().map((p) => p.name)).toEqual(fixture.param_order);
    expect(t.layout().map((p) => p.shape)).toEqual(fixture.param_order.map((n) => fixture.params[n].shape));
    t.dispose();
  });

  it('computes the logits, the loss and every gradient', () => {
    const t = trainer('adam');
    expectClose(t.forward(x, 8), fixture.logits, 'logits');
    const { loss, grads } = t.gradients(x, y);
    expectClose([loss], [fixture.loss], 'loss');
    for (const p of t.layout()) expectClose(grads.subarray(p.offset, p.offset + p.size), fixture.grads[p.name].data, `grad ${p.name}`);
    t.dispose();
  });

  it('takes one and two Adam steps', () => {
    const t = trainer('adam');
    t.trainSteps(1);
    expectParams(t, fixture, fixture.params_after_adam, 'after 1 Adam step');
    const second = t.trainSteps(1);
    expectClose([second.loss], [fixture.extra_second_step_same_batch.adam_loss_before_step2], 'loss before Adam step 2');
    expectParams(t, fixture, fixture.extra_second_step_same_batch.params_after_adam_2steps, 'after 2 Adam steps');
    t.dispose();
  });

  it('takes one and two SGD-momentum steps', () => {
    const t = trainer('sgd');
    t.trainSteps(1);
    expectParams(t, fixture, fixture.params_after_sgd_momentum, 'after 1 SGD step');
    const second = t.trainSteps(1);
    expectClose([second.loss], [fixture.extra_second_step_same_batch.sgd_momentum_loss_before_step2], 'loss before SGD step 2');
    expectParams(t, fixture, fixture.extra_second_step_same_batch.params_after_sgd_momentum_2steps, 'after 2 SGD steps');
    t.dispose();
  });
});

// A MetaSession keeps one problem resident for an outer loop: repeated gradients equal
// one-shot ones, either derivative can follow the other, and replaced parameters act
// as if the problem had been given with them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { trainingData } from '../src/data/dataset.js';
import type { TrainingData } from '../src/data/types.js';
import { MetaSession, metaGradient } from '../src/meta/meta-gradient.js';
import { Engine } from '../src/train/engine.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const base = JSON.parse(readFileSync(resolve(root, 'meta_act_k20_noise.json'), 'utf8')).problem;
// a shorter horizon keeps the test quick
const problem = {
  ...base,
  steps: 6,
  metaLoss: { lastLosses: 3 },
  noise: { inner: base.noise.inner.slice(0, 6), activation: base.noise.activation.slice(0, 6) },
};

let data: TrainingData;
let engine: Engine;
beforeAll(async () => {
  data = trainingData(await makeDataset());
  engine = await Engine.create();
});

describe('MetaSession', () => {
  it('repeats one-shot results, for either meta-parameter in any order', async () => {
    const thetaOnce = await metaGradient(problem, { engine, data });
    const lrOnce = await metaGradient(problem, { engine, data, wrt: 'lr' });
    const session = await MetaSession.create(problem, { engine, data });
    try {
      expect(session.gradient()).toEqual(thetaOnce);
      expect(session.gradient({ wrt: 'lr' })).toEqual(lrOnce);
      expect(session.gradient()).toEqual(thetaOnce);
      expect(session.gradient({ wrt: 'lr', lr: 0.02 }).metaLoss).not.toBe(lrOnce.metaLoss);
    } finally {
      session.dispose();
    }
  });

  it('takes new activation and initial parameters as a fresh problem would', async () => {
    const activationParams = base.activation.params.map((v: number) => v * 0.9);
    const initialParams = base.initialParams.map((v: number) => -v);
    const fresh = await metaGradient({ ...problem, activation: { ...problem.activation, params: activationParams }, initialParams }, { engine, data });
    const session = await MetaSession.create(problem, { engine, data });
    try {
      expect(session.gradient({ activationParams, initialParams })).toEqual(fresh);
      expect(() => session.gradient({ activationParams: [1, 2] })).toThrow('options.activationParams must have 301 values, got 2');
    } finally {
      session.dispose();
    }
  });

  it('refuses to run once disposed', async () => {
    const session = await MetaSession.create(problem, { engine, data });
    session.dispose();
    expect(() => session.gradient()).toThrow(/disposed/);
  });
});

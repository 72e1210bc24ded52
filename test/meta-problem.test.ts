// The meta-problem format: every fixture problem parses; bad problems and options get
// errors that name the field, the value and what is allowed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metaGradient } from '../src/meta/meta-gradient.js';
import { mlpParamCount, parseMetaProblem } from '../src/meta/problem.js';
import { ConfigError } from '../src/schema.js';
import { configError } from './config-error.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const load = (name: string) => JSON.parse(readFileSync(resolve(root, name), 'utf8')).problem;
const lrProblem = load('meta_lr_k20.json');
const actProblem = load('meta_act_k20_noise.json');

describe('meta-problem validation', () => {
  it('parses the fixture problems with their sizes', () => {
    expect(parseMetaProblem(lrProblem).shape).toEqual({ inputs: 40, hidden: 50, classes: 10, activationHidden: 0, params: 2560 });
    expect(parseMetaProblem(actProblem).shape).toEqual({ inputs: 40, hidden: 128, classes: 10, activationHidden: 100, params: 6538 });
  });

  it('names the field, the value and what is allowed', () => {
    expect(configError(() => parseMetaProblem({ ...lrProblem, batchSize: 0 })).message).toBe('problem.batchSize must be an integer >= 1 and <= 4000, got 0');
    expect(configError(() => parseMetaProblem({ ...lrProblem, dataset: 'mnist' })).message).toBe('problem.dataset must be one of default, got "mnist"');
    expect(configError(() => parseMetaProblem({ ...lrProblem, metaLoss: { lastLosses: 21 } })).message).toBe('problem.metaLoss.lastLosses must be at most steps (20), got 21');
    expect(configError(() => parseMetaProblem({ ...lrProblem, initialParams: [1, 2] })).message).toMatch(/^problem.initialParams must have 2560 values .*, got 2$/);
    expect(configError(() => parseMetaProblem({ ...lrProblem, model: { sizes: [41, 50, 10], activation: 'tanh' } })).message).toMatch(/^problem.model.sizes must start with 40 inputs/);
    expect(configError(() => parseMetaProblem({ ...lrProblem, optimizer: { name: 'adam' } })).field).toBe('problem.optimizer.name');
    expect(configError(() => parseMetaProblem({ ...lrProblem, extra: 1 })).message).toBe('unknown field problem.extra');
    expect(configError(() => parseMetaProblem({ ...actProblem, activation: null })).message).toBe('problem.activation is required when model.activation is "learned"');
    const shortNoise = { ...actProblem.noise, inner: actProblem.noise.inner.slice(1) };
    expect(configError(() => parseMetaProblem({ ...actProblem, noise: shortNoise })).message).toBe('problem.noise.inner must have one row per step (20), got 19');
  });

  it('asks for the learning rate of an SGD problem, rejects a meta-parameter the problem lacks and a reverse-mode horizon beyond the memory', async () => {
    await expect(metaGradient(lrProblem)).rejects.toThrow(ConfigError);
    await expect(metaGradient(lrProblem)).rejects.toThrow(/options.lr is required/);
    await expect(metaGradient(lrProblem, { lr: -1 })).rejects.toThrow('options.lr must be a number > 0, got -1');
    await expect(metaGradient(lrProblem, { lr: 0.1, wrt: 'activation' })).rejects.toThrow(/options.wrt "activation" needs a learned activation/);
    // p_t and v_t per step: 100 000 steps of 40-100-10 (5110 parameters, 5112 padded) need 3901 MiB
    const long = { ...actProblem, model: { ...actProblem.model, sizes: [40, 100, 10] }, initialParams: new Array(mlpParamCount(40, 100, 10)).fill(0), steps: 100_000, metaLoss: { lastLosses: 10 }, noise: null };
    await expect(metaGradient(long)).rejects.toThrow(/^problem.steps 100000 needs 3901 MiB of per-step storage for d\/d\(activation.params\) \(at most 3072 MiB\)/);
  });
});

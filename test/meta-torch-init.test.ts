// PyTorch's default Linear initialisation, reproduced bit for bit: the fixtures'
// initial parameters (classifier: seed 0; the activation net g: seed 1).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { torchLinearInit } from '../src/meta/torch-init.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const problem = (name: string) => JSON.parse(readFileSync(resolve(root, name), 'utf8')).problem;

describe('torchLinearInit', () => {
  it('gives the learning-rate fixtures\' MLP 40-50-10 for seed 0', () => {
    expect(Array.from(torchLinearInit(0, [40, 50, 10]))).toEqual(problem('meta_lr_k20.json').initialParams);
  });
  it('gives the activation fixtures\' MLP 40-128-10 for seed 0 and g (1-100-1) for seed 1', () => {
    const act = problem('meta_act_k20.json');
    expect(Array.from(torchLinearInit(0, [40, 128, 10]))).toEqual(act.initialParams);
    expect(Array.from(torchLinearInit(1, [1, 100, 1]))).toEqual(act.activation.params);
  });
});

// The spatial-priors preset in full (the paper's settings, 8 runs): every cell of
// the classification table within 4 points of the reference PyTorch code run on
// this machine kind (anchors/ANCHORS.md); shuffling the positions costs the CNN
// and the GRU most of their lead and leaves logistic regression and the MLP alone.
// Needs the build (workers run dist/): `npm test` builds first.
import { afterAll, describe, expect, it } from 'vitest';
import { classifierModels, torchAccuracy } from '../src/experiments/spatial-priors.js';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

describe('spatial-priors (full preset)', () => {
  it('reproduces the classification table within 4 points of PyTorch, and the effect of shuffling', async () => {
    const { summary, dir, failed } = await runPreset('spatial-priors');
    const e = summary.effects;
    expect(failed).toBe(0);
    for (const model of classifierModels) {
      for (const data of ['normal', 'shuffled'] as const) {
        const ours = e[`${model}.${data}`] as number;
        expect(Math.abs(ours - torchAccuracy[model][data]), `${model} ${data}: ${ours} vs PyTorch ${torchAccuracy[model][data]}`).toBeLessThanOrEqual(4);
      }
    }
    // The paper's point: no spatial prior, no loss; CNN and GRU lose most of their lead.
    expect(Math.abs(e['linear.shuffleDrop'] as number)).toBeLessThan(3);
    expect(Math.abs(e['mlp.shuffleDrop'] as number)).toBeLessThan(5);
    expect(e['cnn.shuffleDrop']).toBeGreaterThan(25);
    expect(e['gru.shuffleDrop']).toBeGreaterThan(25);
    expect(summary.markdown).toContain('| MNIST-1D: PyTorch, this machine | 31.7 | 65.8 | 94.3 | 91.0 |');
    expectFigure(dir, 'spatial-priors', ['Test accuracy (%)', 'Model', 'Logistic', 'GRU', 'shuffled']);
  });
});

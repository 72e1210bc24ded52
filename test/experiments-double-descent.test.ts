// The double-descent preset, --quick (MLP only, 2000 train / 14000 test, 300
// epochs, 30 % label noise): with noisy labels the test error peaks near the width
// where the training error reaches zero and falls again beyond it; without noise
// there is no comparable peak. Needs the build: `npm test` builds first.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCurve, peakSentence } from '../src/experiments/double-descent.js';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

describe('double-descent --quick', () => {
  it('shows a test-error peak at the interpolation threshold with label noise, and none without', async () => {
    const { summary, dir, failed } = await runPreset('double-descent', { quick: true });
    const e = summary.effects;
    expect(failed).toBe(0);
    const noisyPeak = e['mlp-noisy.peakWidth'] as number;
    const noisyFit = e['mlp-noisy.fitWidth'] as number;
    expect(noisyFit).not.toBeNull();
    // The peak stands out on both sides by several points ...
    expect(e['mlp-noisy.prominence']).toBeGreaterThanOrEqual(3);
    // ... sits within a factor of 1.5 of the first width that fits the noisy training set ...
    expect(Math.abs(Math.log(noisyPeak / noisyFit))).toBeLessThanOrEqual(Math.log(1.5));
    // ... and the error falls again as the width grows.
    expect((e['mlp-noisy.peakTestErr'] as number) - (e['mlp-noisy.lastTestErr'] as number)).toBeGreaterThan(3);
    // Without noise: no comparable peak.
    expect(e['mlp-clean.prominence']).toBeLessThan((e['mlp-noisy.prominence'] as number) / 2);
    // The summary splits the training time by panel (the issue asks for per-sweep times).
    expect(summary.markdown).toMatch(/sum over workers\): .+ \(mlp-clean .+, mlp-noisy .+\)\./);
    expectFigure(dir, 'double-descent', ['error (%)', 'hidden units per layer', 'no label noise', '30 % label noise', 'train', 'test']);
  });
});

describe('the double-descent peak', () => {
  it('says "no peak" when the test error only falls with width, instead of calling the first width a peak', () => {
    const falling = [8, 16, 32, 64].map((width, i) => ({ width, trainErr: 40 - 10 * i, testErr: 50 - 5 * i }));
    const a = analyzeCurve(falling, 1);
    expect(a.prominence).toBe(0);
    expect(peakSentence(a)).toMatch(/^Near the interpolation threshold the test error has no peak: /);
    expect(peakSentence(a)).not.toMatch(/peaks at width/);
    const peaked = analyzeCurve([{ width: 8, trainErr: 20, testErr: 40 }, { width: 16, trainErr: 0, testErr: 45 }, { width: 32, trainErr: 0, testErr: 38 }], 1);
    expect(peakSentence(peaked)).toBe('Near the interpolation threshold the test error peaks at width 16 (45.0 %): 5.0 points above the best smaller width, 7.0 above the best larger one (prominence 5.0).');
  });
});

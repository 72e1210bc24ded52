// The double-descent preset, --quick (MLP only, 2000 train / 14000 test, 300
// epochs, 30 % label noise): with noisy labels the test error peaks near the width
// where the training error reaches zero and falls again beyond it; without noise
// there is no comparable peak. Needs the build: `npm test` builds first.
import { afterAll, describe, expect, it } from 'vitest';
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

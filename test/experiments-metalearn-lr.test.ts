// The metalearn-lr study (notebook `metalearn-learn-rate`): started at 1.5 and at
// 0.15, the learning rate converges to the same value, within 0.02 between the starts
// and within 0.05 of PyTorch's 0.624 / 0.620. Needs the build: `npm test` builds first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

describe('metalearn-lr', () => {
  it('both starts converge to the same learning rate, near PyTorch', async () => {
    const { summary, dir, failed } = await runPreset('metalearn-lr');
    expect(failed).toBe(0);
    const e = summary.effects;
    const json = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(json.effects['finalLr.1.5']).toBe(e['finalLr.1.5']);
    const [fromHigh, fromLow] = [e['finalLr.1.5'] as number, e['finalLr.0.15'] as number];
    expect(Math.abs(fromHigh - fromLow)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(fromHigh - 0.624)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fromLow - 0.62)).toBeLessThanOrEqual(0.05);
    expectFigure(dir, 'metalearn-lr', ['outer step', 'outer objective (mean inner loss)', 'final inner training loss', 'learning rate', 'from 1.5', 'from 0.15']);
  });
});

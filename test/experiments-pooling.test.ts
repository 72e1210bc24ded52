// The pooling preset, --quick (2000 and 21000 training examples, 1500 steps):
// with little data every pooled model beats no pooling; with much more data the
// gap shrinks. Needs the build: `npm test` builds first.
import { afterAll, describe, expect, it } from 'vitest';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

describe('pooling --quick', () => {
  it('pooling helps at 2000 examples and matters less at 21000', async () => {
    const { summary, dir, failed } = await runPreset('pooling', { quick: true });
    const e = summary.effects;
    expect(failed).toBe(0);
    expect(e.smallestSize).toBe(2000);
    expect(e.largestSize).toBe(21000);
    for (const pool of ['max', 'avg', 'l2']) expect(e[`${pool}.2000`], pool).toBeGreaterThan(e['none.2000'] as number);
    expect(e.minGapSmallest).toBeGreaterThan(0);
    expect(e.meanGapLargest).toBeLessThan((e.meanGapSmallest as number) / 2);
    // "pooled" means the pooling layers: the summary says that stride 2 is left out
    expect(summary.markdown).toMatch(/the pooled models \(max pool, average pool and L2 pool; stride 2 is not pooling and is left out\) lead no pooling by/);
    expectFigure(dir, 'pooling', ['training examples', 'test accuracy (%)', 'no pooling', 'max pool', 'L2 pool']);
  });
});

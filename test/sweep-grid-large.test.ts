// Grids at the run cap: counted before expansion, expanded in linear time, with progress.
// Kept out of the fast tier (vitest.fast.config.ts): expanding 100 000 runs takes seconds.
import { describe, expect, it } from 'vitest';
import { expandGrid, GRID_PROGRESS_EVERY, MAX_GRID_RUNS, MAX_GRID_RUNS_LIMIT } from '../src/sweep/grid.js';
import { configError } from './config-error.js';

const base = { model: 'mlp', steps: 300, dataset: { numSamples: 1000 } };

describe('large grids', () => {
  const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

  it('refuse more runs than maxRuns at once, before expanding anything', () => {
    const hundred = range(100, 1);
    const message = configError(() => expandGrid({ base, axes: { hidden: hundred, seed: hundred, lr: hundred.map((v) => v / 1000), batchSize: hundred } })).message;
    expect(message).toBe(
      `the grid has 100000000 runs (100 x 100 x 100 x 100 values of axes.hidden x axes.seed x axes.lr x axes.batchSize), more than maxRuns = ${MAX_GRID_RUNS}: ` +
        `split it into smaller grids, or raise "maxRuns" in the grid (at most ${MAX_GRID_RUNS_LIMIT})`,
    );
    expect(configError(() => expandGrid({ base, axes: { hidden: range(1000, 1), seed: range(1000) } })).message).toMatch(/^the grid has 1000000 runs \(1000 x 1000 values/);
    expect(configError(() => expandGrid({ base, maxRuns: 3, runs: [{}, { seed: 1 }, { seed: 2 }, { seed: 3 }] })).message).toMatch(/^the grid has 4 runs \(4 entries of runs\), more than maxRuns = 3/);
  });

  it('take a "maxRuns" of their own, within the limit', () => {
    expect(expandGrid({ base, maxRuns: 2, axes: { seed: [1, 2] } })).toHaveLength(2);
    for (const maxRuns of [0, 1.5, '10', MAX_GRID_RUNS_LIMIT + 1]) {
      expect(configError(() => expandGrid({ base, maxRuns, axes: { seed: [1] } })).message).toBe(
        `maxRuns must be an integer >= 1 and <= ${MAX_GRID_RUNS_LIMIT}, got ${JSON.stringify(maxRuns)}`,
      );
    }
  });

  it('find a repeat on a 100 000-value axis by hash, not by comparing every pair', () => {
    // 100 001 values: quadratic pair by pair, one pass by hash.
    const message = configError(() => expandGrid({ base, axes: { seed: [...range(100_000), 5] } })).message;
    expect(message).toBe('axes.seed[100000] repeats axes.seed[5] (5)');
  });

  it('expand an axis of 100 000 values (the default maxRuns), the first axis outermost', () => {
    const configs = expandGrid({ base, axes: { seed: range(MAX_GRID_RUNS) } });
    expect(configs).toHaveLength(MAX_GRID_RUNS);
    expect([configs[0].seed, configs[54_321].seed, configs.at(-1)!.seed]).toEqual([0, 54_321, MAX_GRID_RUNS - 1]);
  }, 60_000);

  it('report progress while validating a large grid, every GRID_PROGRESS_EVERY runs and at the end', () => {
    const calls: [number, number][] = [];
    const total = 2.5 * GRID_PROGRESS_EVERY;
    expandGrid({ base, axes: { lr: [0.1, 0.2, 0.3, 0.4, 0.5], seed: range(total / 5) } }, { onProgress: (done, all) => calls.push([done, all]) });
    expect(calls).toEqual([
      [GRID_PROGRESS_EVERY, total],
      [2 * GRID_PROGRESS_EVERY, total],
      [total, total],
    ]);
    expandGrid({ base, axes: { seed: range(GRID_PROGRESS_EVERY - 1) } }, { onProgress: (done, all) => calls.push([done, all]) });
    expect(calls).toHaveLength(3); // a small grid is quiet
  }, 60_000);
});

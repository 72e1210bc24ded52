// The lottery preset, --quick (one trial, 12 sparsity levels, a 100-unit MLP, 400
// steps per retraining): past 50 % sparsity lottery tickets keep a higher test
// accuracy than random tickets of the same per-layer sparsity; the chain's levels
// keep exactly the scheduled fraction of each layer. Needs the build.
import { afterAll, describe, expect, it } from 'vitest';
import { chainRunConfig, type LotteryChainRecord } from '../src/experiments/lottery-chain.js';
import { train } from '../src/train/run.js';
import { linspace } from '../src/experiments/settings.js';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

describe('lottery --quick', () => {
  it('lottery tickets beat random tickets past 50 % sparsity', async () => {
    const { summary, records, dir, failed } = await runPreset('lottery', { quick: true });
    const e = summary.effects;
    expect(failed).toBe(0);
    expect(e.levelsPast50).toBeGreaterThanOrEqual(4);
    expect(e.gapPast50).toBeGreaterThan(3);
    expect(e.winsPast50).toBeGreaterThanOrEqual(0.8);

    const chains = records.filter((r) => r.kind === 'lottery-chain') as unknown as LotteryChainRecord[];
    expect(chains).toHaveLength(2);
    // MLP 40-100-100-10: layers of 4100, 10100 and 1010 parameters; each level drops floor(s * n) of each.
    const layers = [40 * 100 + 100, 100 * 100 + 100, 100 * 10 + 10];
    const total = layers.reduce((a, b) => a + b, 0);
    for (const chain of chains) {
      expect(chain.levels.map((l) => l.sparsity)).toEqual(linspace(0, 1, 12));
      for (const level of chain.levels) {
        const kept = layers.reduce((sum, n) => sum + n - Math.floor(level.sparsity * n), 0);
        expect(level.kept).toBeCloseTo(kept / total, 6);
      }
      expect(chain.levels[11].test_acc).toBeLessThan(0.15); // nothing left at 100 %: chance level
      expect(chain.transfer.map((t) => t.data)).toEqual(['fresh', 'shuffled']);
    }
    // Level 0 (nothing pruned) is the plain dense run from the same initial values.
    const dense = await train(chainRunConfig(chains[0].config));
    expect(chains.map((c) => c.levels[0].test_acc)).toEqual([dense.test_acc, dense.test_acc]);
    expect(chains[0].levels[0].test_loss).toBe(dense.test_loss);
    expect(Object.keys(e)).toEqual(expect.arrayContaining(['transfer.fresh.dense', 'transfer.shuffled.lottery-ticket', 'spread.magnitude.91']));
    expectFigure(dir, 'lottery-sparsity', ['sparsity (%)', 'test accuracy (%)', 'test loss', 'lottery ticket', 'random ticket']);
    expectFigure(dir, 'lottery-curves', ['training step', 'test accuracy (%)']);
    expectFigure(dir, 'lottery-masks', ['input position', 'spread']);
    expectFigure(dir, 'lottery-transfer', ['retrained on', 'dense', 'fresh', 'shuffled']);
  });
});

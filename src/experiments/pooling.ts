// Pooling vs. sample size (notebook `benchmark-pooling`): a two-layer conv net
// with no pooling, stride 2, max, average or L2 pooling, trained on 2000 to
// 51000 examples (always 1000 test). Pooling is a prior that helps when data is
// scarce and matters little when it is plentiful.
import { z } from 'zod';
import { integer, oneOf } from '../schema.js';
import { POOLS } from '../models/spec.js';
import { POOL_KINDS } from '../train/config.js';
import type { PoolKind, RunRecord } from '../train/types.js';
import type { TaskRecord } from '../sweep/task.js';
import { figure, round, seriesScale, type Figure } from '../plot/spec.js';
import { stepRunFields, stepSettingsFields, type StepSettings } from './settings.js';
import { andList, duration, failuresNote, markdownTable, signed } from './markdown.js';
import { finished, longestFirst, trainTask } from './records.js';
import type { Effects, Study } from './study.js';

/** The variants that pool (the notebook's max_pool, avg_pool, l2_pool). */
const pooled: readonly PoolKind[] = POOLS;

export interface PoolingSettings extends StepSettings {
  pools: PoolKind[];
  trainSizes: number[];
  testSize: number;
  channels: number;
}

const schema = z.strictObject({
  pools: z.array(oneOf(POOL_KINDS)).min(1),
  trainSizes: z.array(integer({ min: 1, max: 10_000_000 })).min(1),
  testSize: integer({ min: 1 }),
  channels: integer({ min: 1, max: 1024 }),
  ...stepSettingsFields,
});

const labels: Record<PoolKind, string> = { none: 'no pooling', stride: 'stride 2', max: 'max pool', avg: 'average pool', l2: 'L2 pool' };
const colors: Record<PoolKind, string> = { none: '#222222', stride: '#9d755d', max: '#e45756', avg: '#4c78a8', l2: '#54a24b' };

interface Cell {
  pool: PoolKind;
  trainSize: number;
  acc: number; // %
  wall: number;
}

function cells(records: readonly TaskRecord[]): Cell[] {
  return finished(records)
    .filter((r) => r.config.model === 'convpool')
    .map((r) => {
      const n = r.config.dataset.numSamples ?? 0;
      const split = r.config.dataset.trainSplit ?? 0;
      return { pool: r.config.pool ?? 'none', trainSize: Math.round(n * split), acc: (r.test_acc ?? 0) * 100, wall: r.wall_s };
    });
}

export const pooling: Study<PoolingSettings> = {
  name: 'pooling',
  title: 'Pooling vs. training-set size',
  about:
    'Five variants of a two-layer conv net (no pooling, stride 2, max, average and L2 pooling) trained on 2000 to 51000 examples. ' +
    'Pooling helps in the low-data regime; with much data the difference shrinks.',
  schema,
  defaults: {
    pools: [...POOL_KINDS],
    trainSizes: [2000, 3000, 6000, 11000, 21000, 51000],
    testSize: 1000,
    channels: 20,
    steps: 6000,
    evalEvery: 100,
    lr: 1e-2,
    batchSize: 100,
    seed: 42,
    dataset: {},
  },
  quick: { trainSizes: [2000, 21000], steps: 1500, evalEvery: 500 },

  tasks(s) {
    const runs = s.trainSizes.flatMap((n) => s.pools.map((pool) => ({ n, pool })));
    // Same steps for every run: the cost differs by the second conv's length and by evaluating on n + testSize examples.
    const evals = s.evalEvery > 0 ? Math.floor(s.steps / s.evalEvery) : 1;
    const cost = ({ n, pool }: { n: number; pool: PoolKind }) => (s.steps * s.batchSize * 3 + evals * (n + s.testSize)) * (pool === 'none' ? 2 : 1);
    return longestFirst(runs, cost).map(({ n, pool }) =>
      trainTask({
        model: 'convpool',
        pool,
        channels: s.channels,
        ...stepRunFields(s),
        shuffleSeq: false,
        dataset: { ...s.dataset, numSamples: n + s.testSize, trainSplit: n / (n + s.testSize) },
      }),
    );
  },

  summarize(records) {
    const got = cells(records);
    const sizes = [...new Set(got.map((c) => c.trainSize))].sort((a, b) => a - b);
    const pools = POOL_KINDS.filter((p) => got.some((c) => c.pool === p));
    const acc = (p: PoolKind, n: number) => got.find((c) => c.pool === p && c.trainSize === n)?.acc;
    const effects: Effects = {};
    for (const c of got) effects[`${c.pool}.${c.trainSize}`] = round(c.acc, 2);
    // Gap of each pooled variant over no pooling, per size (points).
    const gaps = sizes.map((n) => {
      const none = acc('none', n);
      const g = pooled.map((p) => (acc(p, n) !== undefined && none !== undefined ? acc(p, n)! - none : undefined)).filter((v) => v !== undefined);
      return { n, min: g.length ? Math.min(...g) : null, mean: g.length ? g.reduce((a, b) => a + b, 0) / g.length : null };
    });
    const lines: string[] = [];
    if (gaps.length) {
      const [small, large] = [gaps[0], gaps[gaps.length - 1]];
      effects.smallestSize = small.n;
      effects.largestSize = large.n;
      effects.meanGapSmallest = small.mean === null ? null : round(small.mean, 2);
      effects.minGapSmallest = small.min === null ? null : round(small.min, 2);
      effects.meanGapLargest = large.mean === null ? null : round(large.mean, 2);
      if (small.mean !== null && large.mean !== null) {
        lines.push(
          `At ${small.n} training examples the pooled models (${andList(pooled.map((p) => labels[p]))}; stride 2 is not pooling and is left out) ` +
            `lead no pooling by ${signed(small.mean)} points on average ` +
            `(the weakest by ${signed(small.min!)}); at ${large.n} by ${signed(large.mean)}.`,
        );
      }
    }
    const wall = got.reduce((sum, c) => sum + c.wall, 0);
    const markdown = [
      `## ${this.title}`,
      '',
      'Test accuracy (%) at the end of training, by training-set size (always 1000 test examples).',
      '',
      markdownTable(
        ['train examples', ...pools.map((p) => labels[p]), 'pooled − none (mean)'],
        sizes.map((n, i) => [n, ...pools.map((p) => acc(p, n)?.toFixed(1) ?? '—'), gaps[i].mean === null ? '—' : signed(gaps[i].mean!)]),
      ),
      '',
      ...lines,
      `Total training time of the finished runs (sum over workers): ${duration(wall)}.`,
      failuresNote(records.filter((r) => r.status === 'failed'), (c: RunRecord['config']) => `${c.pool} at ${c.dataset.numSamples} samples`),
    ].join('\n');
    return { markdown, effects };
  },

  figures(records) {
    const got = cells(records);
    const pools = POOL_KINDS.filter((p) => got.some((c) => c.pool === p));
    const sizes = [...new Set(got.map((c) => c.trainSize))].sort((a, b) => a - b);
    const spec = figure({
      title: { text: 'Pooling vs. training-set size', subtitle: 'two conv layers + linear; 1000 test examples' },
      width: 420,
      height: 300,
      data: { values: got.map((c) => ({ method: labels[c.pool], trainSize: c.trainSize, acc: round(c.acc, 2) })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'trainSize',
          type: 'quantitative',
          title: 'training examples',
          scale: { type: 'log', domain: [Math.min(...sizes) / 1.15, Math.max(...sizes) * 1.15], nice: false },
          axis: { values: sizes, format: '~s' },
        },
        y: { field: 'acc', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
        color: {
          field: 'method',
          type: 'nominal',
          title: 'method',
          scale: seriesScale(pools.map((p) => labels[p]), pools.map((p) => colors[p])),
        },
      },
    });
    return [{ name: 'pooling', spec } satisfies Figure];
  },
};

// Lottery tickets (notebook `lottery-tickets`): iterative magnitude pruning with
// rewinding to the initial weights, against random masks of the same per-layer
// sparsity, over linspace(0, 1, 100) sparsity levels, two trials. Then the ticket
// at about 92 % sparsity is retrained on a fresh dataset (seed + 1), plain and
// spatially shuffled, against the dense network and the random ticket; and the
// first-layer masks are examined for local connectivity.
// Each chain (trial x criterion) is one 'lottery-chain' task (lottery-chain.ts);
// the dense baselines are ordinary 'train' tasks.
import { z } from 'zod';
import { parseDatasetArgs } from '../data/args.js';
import { boolean, finite, integer, oneOf } from '../schema.js';
import type { SweepTask } from '../sweep/task.js';
import { round } from '../plot/spec.js';
import { chains, labels, mean, meanCurves, spreads, transfers } from './lottery-analysis.js';
import { chainRunConfig, criteria, nearestIndex, type Criterion, type LotteryChainConfig } from './lottery-chain.js';
import { lotteryFigures } from './lottery-figures.js';
import { duration, failuresNote, markdownTable, signed } from './markdown.js';
import { finished, trainTask } from './records.js';
import { datasetOverrides, type BaseSettings } from './settings.js';
import type { Effects, Study } from './study.js';

export interface LotterySettings extends BaseSettings {
  seeds: number[];
  criteria: Criterion[];
  levels: number;
  hidden: number;
  lr: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
  /** Retrain the ticket nearest transferSparsity on the fresh and shuffled data (with dense and random baselines). */
  transfer: boolean;
  transferSparsity: number;
  transferSteps: number;
  transferBatchSize: number;
  maskSparsities: number[];
  curveSparsities: number[];
}

const sparsity = finite({ min: 0, max: 1 });
const schema = z.strictObject({
  seeds: z.array(integer({ min: 0, max: 2 ** 32 - 1 })).min(1),
  criteria: z.array(oneOf(criteria)).min(1),
  levels: integer({ min: 2, max: 1000 }),
  hidden: integer({ min: 1, max: 4096 }),
  lr: finite({ min: 0, exclusiveMin: true }),
  batchSize: integer({ min: 1, max: 65536 }),
  steps: integer({ min: 1 }),
  evalEvery: integer({ min: 0 }),
  transfer: boolean(),
  transferSparsity: sparsity,
  transferSteps: integer({ min: 1 }),
  transferBatchSize: integer({ min: 1, max: 65536 }),
  maskSparsities: z.array(sparsity),
  curveSparsities: z.array(sparsity),
  dataset: datasetOverrides,
});

export const lottery: Study<LotterySettings> = {
  name: 'lottery',
  title: 'Lottery tickets',
  about:
    'Iterative magnitude pruning with rewinding (lottery tickets) against random masks of the same per-layer sparsity, ' +
    '100 sparsity levels, two trials, on the 500-unit residual MLP; then the ~92 % ticket retrained on a fresh and on a ' +
    'spatially shuffled dataset, and its first-layer mask examined for local connectivity.',
  schema,
  defaults: {
    seeds: [42, 43],
    criteria: [...criteria],
    levels: 100,
    hidden: 500,
    lr: 2e-2,
    batchSize: 100,
    steps: 1501,
    evalEvery: 100,
    transfer: true,
    transferSparsity: 0.92,
    transferSteps: 1501,
    transferBatchSize: 100,
    maskSparsities: [0.8, 0.92, 0.97],
    curveSparsities: [0, 0.5, 0.92, 0.97],
    dataset: {},
  },
  quick: { seeds: [42], levels: 12, hidden: 100, steps: 400, transferSteps: 400, maskSparsities: [0.91], curveSparsities: [0, 0.55, 0.91] },

  tasks(s) {
    const train = parseDatasetArgs(s.dataset, 'dataset');
    const fresh = { ...train, seed: train.seed + 1 };
    const transfer = s.transfer ? { sparsity: s.transferSparsity, steps: s.transferSteps, batchSize: s.transferBatchSize } : null;
    const chainTasks: SweepTask[] = s.seeds.flatMap((seed) =>
      s.criteria.map((criterion) => {
        const config: LotteryChainConfig = {
          hidden: s.hidden,
          criterion,
          seed,
          levels: s.levels,
          steps: s.steps,
          evalEvery: s.evalEvery,
          lr: s.lr,
          batchSize: s.batchSize,
          maskSparsities: s.maskSparsities,
          curveSparsities: s.curveSparsities,
          transfer,
        };
        return { kind: 'lottery-chain', config, datasets: transfer ? [train, fresh] : [train] };
      }),
    );
    // The dense network from the same initial values, retrained like the tickets on the fresh data.
    const denseTasks = transfer
      ? s.seeds.flatMap((seed) =>
          [false, true].map((shuffleSeq) =>
            trainTask({
              ...chainRunConfig({ hidden: s.hidden, seed, lr: s.lr, batchSize: transfer.batchSize, steps: transfer.steps, evalEvery: s.evalEvery }),
              shuffleSeq,
              dataset: fresh,
            }),
          ),
        )
      : [];
    return [...chainTasks, ...denseTasks]; // the long chains first, so they start first
  },

  summarize(records) {
    const all = chains(records);
    const curves = meanCurves(all);
    const effects: Effects = {};
    const lines: string[] = [`## ${this.title}`, ''];
    const mag = curves.get('magnitude');
    const rnd = curves.get('random');
    const ref = mag ?? rnd;
    if (ref) {
      effects.denseAcc = round(mean(all.map((c) => c.levels[0].test_acc ?? 0)) * 100, 2);
      const pick = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.92, 0.95, 0.97, 0.99, 1].map((t) => nearestIndex(ref.map((p) => p.sparsity), t));
      const shown = [...new Set(pick)];
      lines.push(
        `Final test accuracy and loss after retraining at each sparsity (mean over ${new Set(all.map((c) => c.config.seed)).size} trial(s); ${ref.length} levels in all).`,
        '',
        markdownTable(
          ['sparsity %', 'lottery acc %', 'random acc %', 'lottery loss', 'random loss'],
          shown.map((i) => [
            (ref[i].sparsity * 100).toFixed(1),
            mag ? mag[i].acc.toFixed(1) : '—',
            rnd ? rnd[i].acc.toFixed(1) : '—',
            mag ? mag[i].loss.toFixed(3) : '—',
            rnd ? rnd[i].loss.toFixed(3) : '—',
          ]),
        ),
        '',
      );
    }
    if (mag && rnd) {
      const past = mag.map((p, i) => ({ s: p.sparsity, gap: p.acc - rnd[i].acc })).filter((p) => p.s > 0.5 && p.s < 1);
      effects.gapPast50 = round(mean(past.map((p) => p.gap)), 2);
      effects.winsPast50 = round(past.filter((p) => p.gap > 0).length / past.length, 3);
      effects.levelsPast50 = past.length;
      const best = mag.reduce((a, b) => (b.acc > a.acc ? b : a));
      effects.bestLotteryAcc = round(best.acc, 2);
      effects.bestLotterySparsity = round(best.sparsity, 4);
      lines.push(
        `Past 50 % sparsity the lottery tickets lead the random tickets by ${signed(effects.gapPast50 as number)} points on average ` +
          `and are ahead at ${past.filter((p) => p.gap > 0).length} of ${past.length} levels. ` +
          `The best lottery ticket reaches ${best.acc.toFixed(1)} % at ${(best.sparsity * 100).toFixed(0)} % sparsity (dense: ${(effects.denseAcc as number).toFixed(1)} %).`,
        '',
      );
    }
    const moved = transfers(records, all);
    if (moved.length) {
      for (const row of moved) effects[`transfer.${row.data}.${row.network.replace(' ', '-')}`] = round(row.acc, 2);
      const at = all[0]?.transfer[0]?.sparsity;
      lines.push(
        `The ticket at ${at === undefined ? '?' : (at * 100).toFixed(1)} % sparsity, rewound and retrained on a fresh dataset (seed + 1), plain and spatially shuffled (test accuracy %, mean over trials):`,
        '',
        markdownTable(
          ['data', ...new Set(moved.map((r) => r.network))],
          (['fresh', 'shuffled'] as const)
            .filter((d) => moved.some((r) => r.data === d))
            .map((d) => [d, ...[...new Set(moved.map((r) => r.network))].map((n) => moved.find((r) => r.data === d && r.network === n)?.acc.toFixed(1) ?? '—')]),
        ),
        '',
      );
    }
    const spread = spreads(all);
    if (spread.length) {
      for (const r of spread) effects[`spread.${r.criterion}.${Math.round(r.sparsity * 100)}`] = round(r.spread, 3);
      lines.push(
        'Do lottery tickets learn local connectivity? Spread (standard deviation) of the input positions each hidden unit keeps ' +
          'in the first layer, averaged over units with at least two inputs; the random ticket of equal sparsity is the yardstick ' +
          '(local connectivity shows as a smaller spread):',
        '',
        markdownTable(
          ['mask', 'sparsity %', 'spread (positions)', 'units with >= 2 inputs'],
          spread.map((r) => [labels[r.criterion], (r.sparsity * 100).toFixed(1), r.spread.toFixed(2), r.units.toFixed(0)]),
        ),
        '',
      );
    }
    const wall = all.reduce((sum, c) => sum + c.wall_s, 0) + finished(records).reduce((sum, r) => sum + r.wall_s, 0);
    lines.push(`Total training time of the finished tasks (sum over workers): ${duration(wall)}.`);
    lines.push(
      failuresNote(records.filter((r) => r.status === 'failed'), (c: { criterion?: Criterion; seed: number; shuffleSeq?: boolean }) =>
        c.criterion ? `${labels[c.criterion]} chain, seed ${c.seed}` : `dense network, seed ${c.seed}${c.shuffleSeq ? ', shuffled data' : ''}`,
      ),
    );
    return { markdown: lines.join('\n'), effects };
  },

  figures: lotteryFigures,
};

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
import type { SweepTask, TaskRecord } from '../sweep/task.js';
import { figure, palette, round, seriesScale, type Figure } from '../plot/spec.js';
import { chainRunConfig, criteria, nearestIndex, type Criterion, type LotteryChainConfig, type LotteryChainRecord } from './lottery-chain.js';
import { unpackMask } from './mask-bits.js';
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

const labels: Record<Criterion, string> = { magnitude: 'lottery ticket', random: 'random ticket' };
const ticketColors = seriesScale([labels.magnitude, labels.random], [palette.lottery, palette.random]);

type Chain = LotteryChainRecord & TaskRecord;

function chains(records: readonly TaskRecord[]): Chain[] {
  return records.filter((r): r is Chain => r.kind === 'lottery-chain' && r.status === 'ok');
}

/** Mean over the trials of each criterion, per level. */
function meanCurves(all: readonly Chain[]) {
  const out = new Map<Criterion, { sparsity: number; acc: number; loss: number }[]>();
  for (const criterion of criteria) {
    const own = all.filter((c) => c.config.criterion === criterion);
    if (!own.length) continue;
    const n = Math.min(...own.map((c) => c.levels.length));
    out.set(
      criterion,
      Array.from({ length: n }, (_, i) => ({
        sparsity: own[0].levels[i].sparsity,
        acc: mean(own.map((c) => c.levels[i].test_acc ?? 0)) * 100,
        loss: mean(own.map((c) => c.levels[i].test_loss ?? NaN)),
      })),
    );
  }
  return out;
}

/** Per hidden unit with >= 2 kept inputs, the std of the kept input positions; their mean. */
export function maskSpread(mask: Uint8Array, rows: number, cols: number): { spread: number; units: number } {
  let total = 0;
  let units = 0;
  for (let r = 0; r < rows; r++) {
    const kept: number[] = [];
    for (let c = 0; c < cols; c++) if (mask[r * cols + c]) kept.push(c);
    if (kept.length < 2) continue;
    const m = mean(kept);
    total += Math.sqrt(mean(kept.map((c) => (c - m) ** 2)));
    units++;
  }
  return { spread: units ? total / units : NaN, units };
}

/** Mean spread of the first-layer masks of each criterion at each recorded sparsity. */
function spreads(all: readonly Chain[]) {
  const rows: { criterion: Criterion; sparsity: number; spread: number; units: number }[] = [];
  for (const criterion of criteria) {
    const own = all.filter((c) => c.config.criterion === criterion);
    const sparsities = [...new Set(own.flatMap((c) => c.masks.map((m) => m.sparsity)))].sort((a, b) => a - b);
    for (const s of sparsities) {
      const results = own.flatMap((c) => c.masks.filter((m) => m.sparsity === s)).map((m) => maskSpread(unpackMask(m.bits, m.rows * m.cols), m.rows, m.cols));
      rows.push({ criterion, sparsity: s, spread: mean(results.map((r) => r.spread)), units: mean(results.map((r) => r.units)) });
    }
  }
  return rows;
}

/** The retrained tickets and the dense baselines, mean test accuracy (%) per data x network. */
function transfers(records: readonly TaskRecord[], all: readonly Chain[]) {
  const rows: { data: 'fresh' | 'shuffled'; network: string; acc: number; seeds: number[]; accs: number[] }[] = [];
  for (const data of ['fresh', 'shuffled'] as const) {
    const dense = finished(records).filter((r) => r.config.model === 'mlp' && r.config.shuffleSeq === (data === 'shuffled'));
    if (dense.length) {
      const accs = dense.map((r) => (r.test_acc ?? 0) * 100);
      rows.push({ data, network: 'dense', acc: mean(accs), seeds: dense.map((r) => r.config.seed), accs });
    }
    for (const criterion of criteria) {
      const own = all.filter((c) => c.config.criterion === criterion && c.transfer.some((t) => t.data === data));
      if (!own.length) continue;
      const accs = own.map((c) => (c.transfer.find((t) => t.data === data)!.test_acc ?? 0) * 100);
      rows.push({ data, network: labels[criterion], acc: mean(accs), seeds: own.map((c) => c.config.seed), accs });
    }
  }
  return rows;
}

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

  figures(records) {
    const all = chains(records);
    const figures: Figure[] = [];
    if (all.length) {
      const perTrial = all.flatMap((c) =>
        c.levels.map((l) => ({
          ticket: labels[c.config.criterion],
          seed: c.config.seed,
          sparsity: round(l.sparsity * 100, 2),
          acc: l.test_acc === null ? null : round(l.test_acc * 100, 2),
          loss: l.test_loss === null ? null : round(l.test_loss, 4),
        })),
      );
      const panel = (field: 'acc' | 'loss', title: string) => ({
        width: 330,
        height: 250,
        layer: [
          {
            mark: { type: 'line', strokeWidth: 2 },
            encoding: {
              x: { field: 'sparsity', type: 'quantitative', title: 'sparsity (%)' },
              y: { aggregate: 'mean', field, type: 'quantitative', title, scale: { zero: false } },
              color: { field: 'ticket', type: 'nominal', title: null, scale: ticketColors },
            },
          },
          {
            mark: { type: 'point', size: 12, opacity: 0.35 },
            encoding: {
              x: { field: 'sparsity', type: 'quantitative' },
              y: { field, type: 'quantitative' },
              color: { field: 'ticket', type: 'nominal', scale: ticketColors },
            },
          },
        ],
      });
      figures.push({
        name: 'lottery-sparsity',
        spec: figure({
          title: { text: 'Lottery tickets vs. random tickets', subtitle: 'final test metrics after rewinding and retraining; line: mean over trials, dots: trials' },
          data: { values: perTrial },
          hconcat: [panel('acc', 'test accuracy (%)'), panel('loss', 'test loss')],
        }),
      });

      const curveRows = all.flatMap((c) =>
        c.curves.flatMap((curve) =>
          curve.points.map(([step, , acc]) => ({
            ticket: labels[c.config.criterion],
            seed: c.config.seed,
            level: `${(curve.sparsity * 100).toFixed(0)} % sparse`,
            order: curve.sparsity,
            step,
            acc: acc === null ? null : round(acc * 100, 2),
          })),
        ),
      );
      figures.push({
        name: 'lottery-curves',
        spec: figure({
          title: { text: 'Retraining curves', subtitle: 'test accuracy while retraining the rewound network; one line per trial' },
          data: { values: curveRows },
          facet: {
            column: { field: 'level', type: 'nominal', title: null, sort: { field: 'order' } },
          },
          spec: {
            width: 200,
            height: 200,
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              x: { field: 'step', type: 'quantitative', title: 'training step' },
              y: { field: 'acc', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [0, 100] } },
              color: { field: 'ticket', type: 'nominal', title: null, scale: ticketColors },
              detail: { field: 'seed', type: 'nominal' },
            },
          },
        }),
      });

      const firstSeed = Math.min(...all.map((c) => c.config.seed));
      const cells = all
        .filter((c) => c.config.seed === firstSeed)
        .flatMap((c) =>
          c.masks.flatMap((m) => {
            const mask = unpackMask(m.bits, m.rows * m.cols);
            const { spread } = maskSpread(mask, m.rows, m.cols);
            // Units with any input, sorted by the centre of their inputs: local connectivity shows as a narrow band.
            const units = Array.from({ length: m.rows }, (_, r) => {
              const kept = Array.from({ length: m.cols }, (_, col) => col).filter((col) => mask[r * m.cols + col]);
              return { r, kept, centre: kept.length ? mean(kept) : Infinity };
            })
              .filter((u) => u.kept.length)
              .sort((a, b) => a.centre - b.centre || a.r - b.r);
            const panel = `${labels[c.config.criterion]}, ${(m.sparsity * 100).toFixed(0)} % sparse (spread ${spread.toFixed(1)})`;
            return units.flatMap((u, rank) =>
              u.kept.map((pos) => ({ ticket: labels[c.config.criterion], panel, order: criteria.indexOf(c.config.criterion) * 10 + m.sparsity, rank, pos })),
            );
          }),
        );
      if (cells.length) {
        figures.push({
          name: 'lottery-masks',
          spec: figure({
            title: {
              text: 'First-layer masks: do lottery tickets learn local connectivity?',
              subtitle: [
                `kept first-layer weights (trial seed ${firstSeed}); hidden units with any input, sorted by the centre of their inputs;`,
                'spread: mean standard deviation of the kept positions per unit (lower = more local)',
              ],
            },
            data: { values: cells },
            facet: { field: 'panel', type: 'nominal', title: null, sort: { field: 'order' }, header: { labelFontSize: 12 } },
            columns: new Set(all.flatMap((c) => c.masks.map((m) => m.sparsity))).size,
            spec: {
              width: 220,
              height: 340,
              mark: { type: 'rect' },
              encoding: {
                x: { field: 'pos', type: 'ordinal', title: 'input position', scale: { paddingInner: 0 }, axis: { values: [0, 10, 20, 30, 39], labelAngle: 0 } },
                y: { field: 'rank', type: 'ordinal', title: 'hidden unit (sorted)', scale: { paddingInner: 0 }, axis: null },
                color: { field: 'ticket', type: 'nominal', legend: null, scale: ticketColors },
              },
            },
            resolve: { scale: { y: 'independent' } },
          }),
        });
      }
    }
    const moved = transfers(records, all);
    if (moved.length) {
      const networks = ['dense', labels.magnitude, labels.random].filter((n) => moved.some((r) => r.network === n));
      const colors = networks.map((n) => (n === 'dense' ? palette.dense : n === labels.magnitude ? palette.lottery : palette.random));
      const x = { field: 'data', type: 'nominal', title: 'retrained on', sort: ['fresh', 'shuffled'], axis: { labelAngle: 0 } };
      const xOffset = { field: 'network', type: 'nominal', sort: networks };
      const y = { field: 'acc', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [0, 100] } };
      const color = { field: 'network', type: 'nominal', title: null, sort: networks, scale: seriesScale(networks, colors) };
      figures.push({
        name: 'lottery-transfer',
        spec: figure({
          title: { text: 'The ticket on new data', subtitle: 'rewound and retrained on a fresh dataset (seed + 1), plain and spatially shuffled' },
          width: 320,
          height: 260,
          layer: [
            { data: { values: moved.map((r) => ({ data: r.data, network: r.network, acc: round(r.acc, 2) })) }, mark: 'bar', encoding: { x, xOffset, y, color } },
            {
              data: { values: moved.map((r) => ({ data: r.data, network: r.network, acc: round(r.acc, 2) })) },
              mark: { type: 'text', dy: -6, fontSize: 10, baseline: 'bottom' },
              encoding: { x, xOffset, y, text: { field: 'acc', type: 'quantitative', format: '.1f' } },
            },
          ],
        }),
      });
    }
    return figures;
  },
};

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

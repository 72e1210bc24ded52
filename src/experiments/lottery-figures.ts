// The lottery study's figures (Vega-Lite specs): accuracy and loss against
// sparsity, retraining curves, first-layer masks, and the ticket on new data.
import type { TaskRecord } from '../sweep/task.js';
import { figure, palette, round, seriesScale, type Figure } from '../plot/spec.js';
import { chains, labels, maskSpread, mean, transfers } from './lottery-analysis.js';
import { criteria } from './lottery-chain.js';
import { unpackMask } from './mask-bits.js';

const ticketColors = seriesScale([labels.magnitude, labels.random], [palette.lottery, palette.random]);

export function lotteryFigures(records: readonly TaskRecord[]): Figure[] {
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
        title: { text: 'The ticket on new data', subtitle: 'rewound and retrained on a fresh dataset (seed + 1), plain and spatially shuffled; mean over trials' },
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
}

// Meta-learning the learning rate (notebook `metalearn-learn-rate`): from each
// starting learning rate, 50 outer steps of SGD (rate 0.3) on the learning rate of a
// 200-step SGD inner loop (MLP 40-50(tanh)-10, batch 50, the same initial weights
// every time), using the exact gradient of the mean inner training loss through the
// unrolled loop. Both starts settle on the same learning rate (PyTorch: 0.624 from
// 1.5, 0.620 from 0.15).
import { z } from 'zod';
import { parseDatasetArgs } from '../data/args.js';
import { figure, round, seriesScale, type Figure } from '../plot/spec.js';
import { finite } from '../schema.js';
import type { TaskRecord } from '../sweep/task.js';
import { duration, failuresNote, markdownTable } from './markdown.js';
import { outerLoopFields, type MetalearnLrConfig, type MetalearnLrRecord } from './metalearn-lr-task.js';
import { datasetOverrides, type BaseSettings } from './settings.js';
import type { Effects, Study } from './study.js';

export interface MetalearnLrSettings extends BaseSettings {
  initialLrs: number[];
  innerSteps: number;
  outerSteps: number;
  outerLr: number;
  batchSize: number;
  hidden: number;
  seed: number;
}

const schema = z.strictObject({
  initialLrs: z.array(finite({ min: 0, exclusiveMin: true })).min(1),
  ...outerLoopFields,
  dataset: datasetOverrides,
});

/** PyTorch's final learning rates in the notebook, by starting rate. */
const TORCH_FINAL_LR: Record<string, number> = { '1.5': 0.624, '0.15': 0.62 };
const colors = ['#e45756', '#4c78a8', '#54a24b', '#f58518', '#b279a2', '#9d755d'];

function runs(records: readonly TaskRecord[]): MetalearnLrRecord[] {
  return records
    .filter((r) => r.kind === 'metalearn-lr' && r.status === 'ok')
    .map((r) => r as unknown as MetalearnLrRecord)
    .sort((a, b) => b.config.initialLr - a.config.initialLr);
}

const startLabel = (r: MetalearnLrRecord) => `from ${r.config.initialLr}`;

export const metalearnLr: Study<MetalearnLrSettings> = {
  name: 'metalearn-lr',
  title: 'Meta-learning the learning rate',
  about:
    'Gradient descent on the learning rate of a 200-step SGD inner loop, with the exact hypergradient of the mean inner training loss ' +
    'through the unrolled loop. Started at 1.5 and at 0.15, both runs settle on the same learning rate (about 0.62).',
  schema,
  defaults: {
    initialLrs: [1.5, 0.15],
    innerSteps: 200,
    outerSteps: 50,
    outerLr: 0.3,
    batchSize: 50,
    hidden: 50,
    seed: 0,
    dataset: {},
  },
  // The full study is already small: --quick runs it unchanged.
  quick: {},

  tasks(s) {
    const data = parseDatasetArgs(s.dataset, 'dataset');
    return s.initialLrs.map((initialLr) => {
      const config: MetalearnLrConfig = {
        initialLr,
        innerSteps: s.innerSteps,
        outerSteps: s.outerSteps,
        outerLr: s.outerLr,
        batchSize: s.batchSize,
        hidden: s.hidden,
        seed: s.seed,
      };
      return { kind: 'metalearn-lr', config, datasets: [data] };
    });
  },

  summarize(records) {
    const got = runs(records);
    const effects: Effects = {};
    for (const r of got) {
      effects[`finalLr.${r.config.initialLr}`] = round(r.finalLr, 4);
      effects[`finalMetaLoss.${r.config.initialLr}`] = round(r.metaLoss[r.metaLoss.length - 1], 4);
      if (r.diverged) effects[`diverged.${r.config.initialLr}`] = true;
    }
    const finals = got.map((r) => r.finalLr);
    const lines: string[] = [];
    if (finals.length > 1) {
      const spread = Math.max(...finals) - Math.min(...finals);
      effects.finalLrSpread = round(spread, 4);
      lines.push(`The ${got.length} starts end ${spread.toFixed(3)} apart, at ${finals.map((v) => v.toFixed(3)).join(' and ')}.`);
    }
    const torch = got.filter((r) => TORCH_FINAL_LR[String(r.config.initialLr)] !== undefined);
    if (torch.length) {
      const gap = Math.max(...torch.map((r) => Math.abs(r.finalLr - TORCH_FINAL_LR[String(r.config.initialLr)])));
      effects.maxGapToTorch = round(gap, 4);
      lines.push(`Largest difference to PyTorch's final learning rate (0.624 from 1.5, 0.620 from 0.15): ${gap.toFixed(3)}.`);
    }
    const wall = got.reduce((sum, r) => sum + r.wall_s, 0);
    const markdown = [
      `## ${this.title}`,
      '',
      'Each start: outer SGD on the learning rate; the meta-loss is the mean training loss over the inner loop.',
      '',
      markdownTable(
        ['start', 'final learning rate', 'PyTorch', 'first meta-loss', 'final meta-loss', 'final inner loss', 'outer steps'],
        got.map((r) => [
          r.config.initialLr,
          r.finalLr.toFixed(4),
          TORCH_FINAL_LR[String(r.config.initialLr)]?.toFixed(3) ?? '—',
          r.metaLoss[0].toFixed(4),
          r.metaLoss[r.metaLoss.length - 1].toFixed(4),
          r.finalLoss[r.finalLoss.length - 1].toFixed(4),
          r.metaLoss.length + (r.diverged ? ' (diverged)' : ''),
        ]),
      ),
      '',
      ...lines,
      `Total time of the finished runs (sum over workers): ${duration(wall)}.`,
      failuresNote(records.filter((r) => r.status === 'failed'), (c: MetalearnLrConfig) => `start ${c.initialLr}`),
    ].join('\n');
    return { markdown, effects };
  },

  figures(records) {
    const got = runs(records);
    const rows = got.flatMap((r) =>
      r.metaLoss.map((metaLoss, step) => ({
        start: startLabel(r),
        step,
        metaLoss: round(metaLoss),
        finalLoss: round(r.finalLoss[step]),
        lr: round(r.lr[step]),
      })),
    );
    const color = {
      field: 'start',
      type: 'nominal',
      title: 'learning rate',
      scale: seriesScale(got.map(startLabel), got.map((_, i) => colors[i % colors.length])),
    };
    const panel = (field: string, title: string) => ({
      width: 260,
      height: 220,
      mark: { type: 'line' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'outer step' },
        y: { field, type: 'quantitative', title, scale: { zero: false } },
        color,
      },
    });
    const spec = figure({
      title: {
        text: 'Meta-learning the learning rate',
        subtitle: `exact hypergradient through ${got[0]?.config.innerSteps ?? 0} inner SGD steps; outer SGD on the learning rate`,
      },
      data: { values: rows },
      hconcat: [panel('metaLoss', 'outer objective (mean inner loss)'), panel('finalLoss', 'final inner training loss'), panel('lr', 'learning rate')],
    });
    return [{ name: 'metalearn-lr', spec } satisfies Figure];
  },
};

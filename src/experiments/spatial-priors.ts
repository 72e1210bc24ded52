// The paper's classification table ("measuring spatial priors"): logistic, MLP,
// CNN and GRU trained on MNIST-1D and on its spatially shuffled copy (one fixed
// permutation of the 40 positions). Models without a spatial prior do not care;
// the CNN and the GRU lose most of their edge. 8 runs with the paper's settings.
import { z } from 'zod';
import { oneOf, boolean } from '../schema.js';
import type { RunRecord } from '../train/types.js';
import type { TaskRecord } from '../sweep/task.js';
import { figure, palette, round, seriesScale, type Figure } from '../plot/spec.js';
import { stepRunFields, stepSettingsFields, type StepSettings } from './settings.js';
import { duration, failuresNote, markdownTable, signed } from './markdown.js';
import { finished, trainTask } from './records.js';
import type { Study } from './study.js';

export const classifierModels = ['linear', 'mlp', 'cnn', 'gru'] as const;
type Classifier = (typeof classifierModels)[number];

export interface SpatialPriorsSettings extends StepSettings {
  models: Classifier[];
  shuffled: boolean[];
}

const schema = z.strictObject({
  models: z.array(oneOf(classifierModels)).min(1),
  shuffled: z.array(boolean()).min(1),
  ...stepSettingsFields,
});

const TORCH_SOURCE = 'PyTorch, this machine';
const labels: Record<Classifier, string> = { linear: 'Logistic', mlp: 'MLP', cnn: 'CNN', gru: 'GRU' };

/** Test accuracy (%) the paper reports (6000 steps). */
export const paperAccuracy: Record<Classifier, { normal: number; shuffled: number }> = {
  linear: { normal: 32, shuffled: 32 },
  mlp: { normal: 68, shuffled: 68 },
  cnn: { normal: 94, shuffled: 56 },
  gru: { normal: 91, shuffled: 57 },
};

/** Test accuracy (%) of the reference PyTorch code on this machine kind (anchors/ANCHORS.md). */
export const torchAccuracy: Record<Classifier, { normal: number; shuffled: number }> = {
  linear: { normal: 31.7, shuffled: 31.6 },
  mlp: { normal: 65.8, shuffled: 66.0 },
  cnn: { normal: 94.3, shuffled: 55.3 },
  gru: { normal: 91.0, shuffled: 52.6 },
};

const dataName = (shuffled: boolean) => (shuffled ? 'shuffled' : 'normal');

function cells(records: readonly TaskRecord[]) {
  return finished(records)
    .filter((r): r is RunRecord & TaskRecord => classifierModels.includes(r.config.model as Classifier))
    .map((r) => ({
      model: r.config.model as Classifier,
      data: dataName(r.config.shuffleSeq),
      acc: (r.test_acc ?? 0) * 100,
      wall: r.wall_s,
      stepsPerS: r.steps_per_s,
    }));
}

export const spatialPriors: Study<SpatialPriorsSettings> = {
  name: 'spatial-priors',
  title: 'Measuring spatial priors: the classification table',
  about:
    'Logistic regression, the MLP, the CNN and the GRU on MNIST-1D and on a spatially shuffled copy. ' +
    'Shuffling leaves the models without a spatial prior unchanged and costs the CNN and the GRU most of their lead.',
  schema,
  defaults: {
    models: [...classifierModels],
    shuffled: [false, true],
    steps: 6000,
    lr: 1e-2,
    batchSize: 100,
    evalEvery: 250,
    seed: 42,
    dataset: {},
  },
  quick: { steps: 3000, evalEvery: 500 },

  tasks(s) {
    return s.models.flatMap((model) =>
      s.shuffled.map((shuffleSeq) =>
        trainTask({
          model,
          ...stepRunFields(s),
          shuffleSeq,
          dataset: s.dataset,
        }),
      ),
    );
  },

  summarize(records) {
    const got = cells(records);
    const cell = (m: Classifier, d: string) => got.find((c) => c.model === m && c.data === d);
    const models = classifierModels.filter((m) => got.some((c) => c.model === m));
    const rows: (string | number)[][] = [];
    const effects: Record<string, number | null> = {};
    let maxDiff = 0;
    for (const data of ['normal', 'shuffled'] as const) {
      const title = data === 'normal' ? 'MNIST-1D' : 'MNIST-1D, shuffled';
      rows.push([`${title}: mnist1d`, ...models.map((m) => (cell(m, data) ? cell(m, data)!.acc.toFixed(1) : '—'))]);
      rows.push([`${title}: PyTorch, this machine`, ...models.map((m) => torchAccuracy[m][data].toFixed(1))]);
      rows.push([`${title}: paper`, ...models.map((m) => String(paperAccuracy[m][data]))]);
      for (const m of models) {
        const c = cell(m, data);
        effects[`${m}.${data}`] = c ? round(c.acc, 2) : null;
        if (c) {
          const diff = c.acc - torchAccuracy[m][data];
          effects[`${m}.${data}.vsTorch`] = round(diff, 2);
          maxDiff = Math.max(maxDiff, Math.abs(diff));
        }
      }
    }
    for (const m of models) {
      const n = cell(m, 'normal');
      const s = cell(m, 'shuffled');
      effects[`${m}.shuffleDrop`] = n && s ? round(n.acc - s.acc, 2) : null;
    }
    effects.maxAbsDiffVsTorch = round(maxDiff, 2);

    const drops = models
      .filter((m) => effects[`${m}.shuffleDrop`] !== null)
      .map((m) => `${labels[m]} ${signed(-(effects[`${m}.shuffleDrop`] as number))}`)
      .join(', ');
    const timing = markdownTable(
      ['run', 'test acc %', 'wall', 'steps/s'],
      got.map((c) => [`${labels[c.model]}, ${c.data}`, c.acc.toFixed(1), duration(c.wall), Math.round(c.stepsPerS)]),
    );
    const markdown = [
      `## ${this.title}`,
      '',
      'Test accuracy (%) after training; the paper\'s numbers and the reference PyTorch code run on this machine kind for comparison.',
      '',
      markdownTable(['data: source', ...models.map((m) => labels[m])], rows),
      '',
      `Largest difference from the PyTorch reference: ${maxDiff.toFixed(1)} points.`,
      `Change when the 40 positions are shuffled (points): ${drops}.`,
      '',
      timing,
      failuresNote(records.filter((r) => r.status === 'failed'), (c: RunRecord['config']) => `${c.model}${c.shuffleSeq ? ', shuffled' : ''}`),
    ].join('\n');
    return { markdown, effects };
  },

  figures(records) {
    const got = cells(records);
    const models = classifierModels.filter((m) => got.some((c) => c.model === m)).map((m) => labels[m]);
    const ours = got.map((c) => ({ model: labels[c.model], data: c.data, acc: round(c.acc, 2) }));
    const refs = classifierModels.flatMap((m) =>
      (['normal', 'shuffled'] as const).flatMap((data) => [
        { model: labels[m], data, source: TORCH_SOURCE, acc: torchAccuracy[m][data] },
        { model: labels[m], data, source: 'paper', acc: paperAccuracy[m][data] },
      ]),
    ).filter((r) => models.includes(r.model));
    const x = { field: 'model', type: 'nominal', title: 'Model', sort: models, axis: { labelAngle: 0 } };
    const xOffset = { field: 'data', type: 'nominal', scale: { domain: ['normal', 'shuffled'] } };
    const y = { field: 'acc', type: 'quantitative', title: 'Test accuracy (%)', scale: { domain: [0, 100] } };
    const spec = figure({
      title: {
        text: 'Measuring spatial priors',
        subtitle: ['bars: this package, MNIST-1D vs. spatially shuffled MNIST-1D', '— PyTorch reference on this machine   ▼ the paper'],
      },
      width: 460,
      height: 300,
      layer: [
        {
          data: { values: ours },
          mark: { type: 'bar' },
          encoding: {
            x,
            xOffset,
            y,
            color: {
              field: 'data',
              type: 'nominal',
              title: 'data',
              scale: seriesScale(['normal', 'shuffled'], [palette.ours, palette.oursShuffled]),
            },
          },
        },
        {
          // the value at the foot of each bar, clear of the reference markers
          data: { values: ours },
          mark: { type: 'text', dy: -5, fontSize: 11, baseline: 'bottom' },
          encoding: {
            x,
            xOffset,
            y: { datum: 0, type: 'quantitative' },
            text: { field: 'acc', type: 'quantitative', format: '.1f' },
            color: { condition: { test: "datum.data === 'normal'", value: 'white' }, value: '#111' },
          },
        },
        {
          // the paper's value: a triangle...
          data: { values: refs.filter((r) => r.source === 'paper') },
          mark: { type: 'point', shape: 'triangle-down', filled: true, size: 100, opacity: 1, stroke: 'white', strokeWidth: 0.8, color: palette.paper },
          encoding: { x, xOffset, y },
        },
        {
          // ...and PyTorch's a line across the bar, drawn over it: equal values stay visible
          data: { values: refs.filter((r) => r.source === TORCH_SOURCE) },
          mark: { type: 'tick', orient: 'horizontal', thickness: 3, size: 30, opacity: 1, color: palette.torch },
          encoding: { x, xOffset, y },
        },
      ],
    });
    return [{ name: 'spatial-priors', spec } satisfies Figure];
  },
};

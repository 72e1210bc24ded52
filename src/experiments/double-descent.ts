// Deep double descent (notebook `deep-double-descent`): final train and test
// error against model width for the 3-layer MLP without and with 15 % label
// noise, and for the paper CNN (c channels) with label noise. SGD momentum 0.9,
// lr 0.01, batch 100, a fresh shuffle each epoch, 500 epochs, 4000 train /
// 12000 test. With noise the test error peaks where training error reaches
// zero and falls again beyond; without noise that peak is absent or small.
import { z } from 'zod';
import { finite, integer, oneOf } from '../schema.js';
import type { RunRecord } from '../train/types.js';
import type { TaskRecord } from '../sweep/task.js';
import { figure, palette, round, seriesScale, type Figure } from '../plot/spec.js';
import { datasetOverrides, type BaseSettings } from './settings.js';
import { duration, failuresNote, markdownTable } from './markdown.js';
import { finished, longestFirst, trainTask } from './records.js';
import type { Effects, Study } from './study.js';

export const panels = ['mlp-clean', 'mlp-noisy', 'cnn-noisy'] as const;
export type Panel = (typeof panels)[number];

export interface DoubleDescentSettings extends BaseSettings {
  panels: Panel[];
  mlpWidths: number[];
  cnnWidths: number[];
  epochs: number;
  lr: number;
  momentum: number;
  batchSize: number;
  labelNoise: number;
  seed: number;
}

const widths = z.array(integer({ min: 1, max: 4096 })).min(2);
const schema = z.strictObject({
  panels: z.array(oneOf(panels)).min(1),
  mlpWidths: widths,
  cnnWidths: widths,
  epochs: integer({ min: 1 }),
  lr: finite({ min: 0, exclusiveMin: true }),
  momentum: finite({ min: 0, max: 1 }),
  batchSize: integer({ min: 1 }),
  labelNoise: finite({ min: 0, max: 1 }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
  dataset: datasetOverrides,
});

/** unique(int(geomspace(2, 300, 20))): the notebook's MLP widths. */
export const paperMlpWidths = [2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 47, 61, 80, 104, 135, 177, 230, 300];
/** 2, 4, ..., 28 then 30, 35, ..., 100: the notebook's CNN channel counts. */
export const paperCnnWidths = [
  ...Array.from({ length: 14 }, (_, i) => 2 + 2 * i),
  ...Array.from({ length: 15 }, (_, i) => 30 + 5 * i),
];

const panelInfo: Record<Panel, { model: 'mlp3' | 'cnn'; noisy: boolean; xTitle: string }> = {
  'mlp-clean': { model: 'mlp3', noisy: false, xTitle: 'hidden units per layer' },
  'mlp-noisy': { model: 'mlp3', noisy: true, xTitle: 'hidden units per layer' },
  'cnn-noisy': { model: 'cnn', noisy: true, xTitle: 'channels per layer' },
};

/** Multiply-adds per example of one forward pass: the runs' relative cost (all train the same steps). */
function flopsPerStep(run: { model: 'mlp3' | 'cnn'; width: number }): number {
  const w = run.width;
  // mlp3: 40w + w^2 + 10w; paper CNN: conv 5w*19 + two 3w^2 convs at lengths 10 and 5 + 5w*10
  return run.model === 'mlp3' ? w * w + 50 * w : 95 * w + 45 * w * w + 50 * w;
}

function panelOf(config: RunRecord['config']): Panel | undefined {
  const noisy = (config.dataset?.labelNoise ?? 0) > 0;
  if (config.model === 'mlp3') return noisy ? 'mlp-noisy' : 'mlp-clean';
  if (config.model === 'cnn' && noisy) return 'cnn-noisy';
  return undefined;
}

export interface CurvePoint {
  width: number;
  trainErr: number; // %
  testErr: number; // %
}

/** The test-error peak near the interpolation threshold, and how far it stands out. */
export interface PeakAnalysis {
  /** Smallest width whose train error is <= the fit threshold (null: none fits). */
  fitWidth: number | null;
  peakWidth: number;
  peakTestErr: number;
  /** Peak minus the lowest test error at smaller widths (0 when none is lower). */
  rise: number;
  /** Peak minus the lowest test error at larger widths (0 when none is lower). */
  fall: number;
  /** min(rise, fall): how far the peak stands out on both sides (0 = no peak). */
  prominence: number;
  minTestErr: number;
  lastTestErr: number;
}

/** The summary's sentence on the peak; "no peak" when no width stands above both sides (prominence 0). */
export function peakSentence(a: PeakAnalysis): string {
  if (!(a.prominence > 0)) {
    return 'Near the interpolation threshold the test error has no peak: no width stands above both the best smaller and the best larger width (prominence 0.0).';
  }
  return (
    `Near the interpolation threshold the test error peaks at width ${a.peakWidth} (${a.peakTestErr.toFixed(1)} %): ` +
    `${a.rise.toFixed(1)} points above the best smaller width, ${a.fall.toFixed(1)} above the best larger one ` +
    `(prominence ${a.prominence.toFixed(1)}).`
  );
}

/**
 * The double-descent peak: among the widths within a factor of 2 of the first
 * width that fits its training set (every width when none fits), the one whose
 * test error stands out most on both sides, i.e. maximises min(error - best
 * error at smaller widths, error - best error at larger widths).
 */
export function analyzeCurve(points: readonly CurvePoint[], threshold: number): PeakAnalysis {
  const sorted = [...points].sort((a, b) => a.width - b.width);
  const test = sorted.map((p) => p.testErr);
  const fit = sorted.find((p) => p.trainErr <= threshold);
  const near = (w: number) => !fit || (w >= fit.width / 2 && w <= fit.width * 2);
  let best = { i: -1, rise: 0, fall: 0, prominence: -Infinity };
  for (let i = 0; i < sorted.length; i++) {
    if (!near(sorted[i].width)) continue;
    const rise = test[i] - Math.min(...test.slice(0, i + 1));
    const fall = test[i] - Math.min(...test.slice(i));
    const prominence = Math.min(rise, fall);
    if (prominence > best.prominence) best = { i, rise, fall, prominence };
  }
  return {
    fitWidth: fit ? fit.width : null,
    peakWidth: sorted[best.i].width,
    peakTestErr: test[best.i],
    rise: best.rise,
    fall: best.fall,
    prominence: best.prominence,
    minTestErr: Math.min(...test),
    lastTestErr: test[test.length - 1],
  };
}

interface PanelCurve {
  noise: number; // label-noise probability of the panel's runs
  points: CurvePoint[]; // by width
}

function curves(records: readonly TaskRecord[]): Map<Panel, PanelCurve> {
  const byPanel = new Map<Panel, PanelCurve>();
  for (const r of finished(records)) {
    const panel = panelOf(r.config);
    if (!panel) continue;
    const width = (panel === 'cnn-noisy' ? r.config.channels : r.config.hidden) ?? 0;
    const point = { width, trainErr: 100 * (1 - (r.train_acc ?? 0)), testErr: 100 * (1 - (r.test_acc ?? 0)) };
    const curve = byPanel.get(panel) ?? { noise: r.config.dataset.labelNoise ?? 0, points: [] };
    curve.points = [...curve.points, point].sort((a, b) => a.width - b.width);
    byPanel.set(panel, curve);
  }
  return byPanel;
}

function panelTitle(panel: Panel, noise: number): string {
  const model = panelInfo[panel].model === 'cnn' ? 'CNN' : 'MLP';
  return noise > 0 ? `${model}, ${Math.round(noise * 100)} % label noise` : `${model}, no label noise`;
}

/** Train error (%) at or below which a width counts as fitting its (noisy) training set. */
export const fitThreshold = 1;

export const doubleDescent: Study<DoubleDescentSettings> = {
  name: 'double-descent',
  title: 'Deep double descent',
  about:
    'Final train and test error against width for the MLP without and with 15 % label noise and for the CNN with label noise ' +
    '(SGD with momentum, 500 epochs, 4000 train / 12000 test). With noisy labels the test error peaks near the width where ' +
    'the training error reaches zero, then falls again as the width grows.',
  schema,
  defaults: {
    panels: [...panels],
    mlpWidths: paperMlpWidths,
    cnnWidths: paperCnnWidths,
    epochs: 500,
    lr: 0.01,
    momentum: 0.9,
    batchSize: 100,
    labelNoise: 0.15,
    seed: 42,
    dataset: { numSamples: 16000, trainSplit: 0.25 },
  },
  // 2000 train / 14000 test, 300 epochs, MLP only; 30 % label noise makes the peak stand
  // well clear of run-to-run noise at this scale (at 15 % it is about 2 points).
  quick: {
    panels: ['mlp-clean', 'mlp-noisy'],
    mlpWidths: [4, 8, 12, 16, 24, 32, 40, 48, 64, 96, 128, 192],
    epochs: 300,
    labelNoise: 0.3,
    dataset: { numSamples: 16000, trainSplit: 0.125 },
  },

  tasks(s) {
    const runs = s.panels.flatMap((panel) => {
      const info = panelInfo[panel];
      const dataset = { ...s.dataset, labelNoise: info.noisy ? s.labelNoise : 0 };
      const ws = info.model === 'cnn' ? s.cnnWidths : s.mlpWidths;
      return ws.map((width) => ({ model: info.model, width, dataset }));
    });
    return longestFirst(runs, flopsPerStep).map(({ model, width, dataset }) =>
      trainTask({
        model,
        ...(model === 'cnn' ? { channels: width } : { hidden: width }),
        optimizer: 'sgd',
        lr: s.lr,
        momentum: s.momentum,
        batchSize: s.batchSize,
        epochs: s.epochs,
        batchOrder: 'shuffle',
        evalEvery: 0,
        seed: s.seed,
        shuffleSeq: false,
        dataset,
      }),
    );
  },

  summarize(records) {
    const byPanel = curves(records);
    const effects: Effects = {};
    const sections: string[] = [`## ${this.title}`, ''];
    const wall = finished(records).reduce((sum, r) => sum + r.wall_s, 0);
    for (const panel of panels) {
      const curve = byPanel.get(panel);
      if (!curve) continue;
      const points = curve.points;
      const a = analyzeCurve(points, fitThreshold);
      for (const [k, v] of Object.entries(a)) effects[`${panel}.${k}`] = v === null ? null : round(v, 2);
      sections.push(
        `### ${panelTitle(panel, curve.noise)}`,
        '',
        markdownTable(
          ['width', 'train error %', 'test error %'],
          points.map((p) => [p.width, p.trainErr.toFixed(1), p.testErr.toFixed(1)]),
        ),
        '',
        peakSentence(a) +
          ' ' +
          (a.fitWidth === null
            ? `No width fits its training set (train error <= ${fitThreshold} %).`
            : `Train error first reaches <= ${fitThreshold} % at width ${a.fitWidth}.`),
        '',
      );
    }
    const noisy = effects['mlp-noisy.prominence'];
    const clean = effects['mlp-clean.prominence'];
    if (typeof noisy === 'number' && typeof clean === 'number') {
      sections.push(`MLP peak prominence near the interpolation threshold: ${noisy.toFixed(1)} points with label noise, ${clean.toFixed(1)} without.`, '');
    }
    const perPanel = panels
      .map((panel) => ({ panel, s: finished(records).filter((r) => panelOf(r.config) === panel).reduce((sum, r) => sum + r.wall_s, 0) }))
      .filter((p) => p.s > 0)
      .map((p) => `${p.panel} ${duration(p.s)}`);
    sections.push(`Total training time of the finished runs (sum over workers): ${duration(wall)} (${perPanel.join(', ')}).`);
    sections.push(failuresNote(records.filter((r) => r.status === 'failed'), (c: RunRecord['config']) => `${c.model} width ${c.hidden ?? c.channels}`));
    return { markdown: sections.join('\n'), effects };
  },

  figures(records) {
    const byPanel = curves(records);
    // one error scale for every panel, so their heights compare
    const highest = Math.max(...[...byPanel.values()].flatMap((c) => c.points.flatMap((p) => [p.trainErr, p.testErr])));
    const top = Math.min(100, 10 * Math.ceil((highest + 2) / 10));
    const charts = panels
      .filter((p) => byPanel.has(p))
      .map((panel) => {
        const { noise, points } = byPanel.get(panel)!;
        const values = points.flatMap((p) => [
          { width: p.width, split: 'train', error: round(p.trainErr, 2) },
          { width: p.width, split: 'test', error: round(p.testErr, 2) },
        ]);
        const a = analyzeCurve(points, fitThreshold);
        const widths = points.map((p) => p.width);
        const xScale = { type: 'log', domain: [Math.min(...widths) / 1.2, Math.max(...widths) * 1.2], nice: false };
        const x = { field: 'width', type: 'quantitative', title: panelInfo[panel].xTitle, scale: xScale, axis: { tickCount: 6 } };
        const y = { field: 'error', type: 'quantitative', title: 'error (%)', scale: { domain: [0, top] } };
        const layers: Record<string, unknown>[] = [
          {
            data: { values },
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y,
              color: { field: 'split', type: 'nominal', title: 'error on', scale: seriesScale(['train', 'test'], [palette.train, palette.test]) },
            },
          },
        ];
        if (a.fitWidth !== null) {
          layers.push({
            data: { values: [{ width: a.fitWidth }] },
            mark: { type: 'rule', strokeDash: [4, 4], color: '#777' },
            encoding: { x },
          });
        }
        if (a.prominence > 0) {
          // ring and label on the test-error peak
          const peak = [{ width: a.peakWidth, error: round(a.peakTestErr, 2), label: `peak ${a.peakTestErr.toFixed(1)} % (+${a.prominence.toFixed(1)})` }];
          layers.push(
            { data: { values: peak }, mark: { type: 'point', size: 260, strokeWidth: 1.5, color: '#111', filled: false }, encoding: { x, y } },
            { data: { values: peak }, mark: { type: 'text', dy: -16, fontSize: 11, color: '#111' }, encoding: { x, y, text: { field: 'label' } } },
          );
        }
        return { title: panelTitle(panel, noise), width: 270, height: 220, layer: layers };
      });
    const spec = figure({
      title: {
        text: 'Deep double descent on MNIST-1D',
        subtitle: 'final train and test error vs. width; dashed: first width with train error ≤ 1 %; ring: test-error peak (+ its prominence)',
      },
      hconcat: charts,
    });
    return [{ name: 'double-descent', spec } satisfies Figure];
  },
};

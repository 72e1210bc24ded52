// Meta-learning an activation function (notebook `metalearn-activation-function`): the
// activation of an MLP 40-128-10 is f(x) = elu(x) + 0.2·g(x), g a 1-100(tanh)-1 MLP; 301
// outer steps of clipped SGD on g's parameters, each through a fresh 301-step RMSprop
// inner loop, with the exact gradient of the mean of the last 200 inner losses. Beside
// it, the same inner loop once with each fixed activation (relu, swish, elu, softplus,
// tanh, sigmoid) and with the notebook's piecewise-linear fit of its learned function.
// The paper: the objective falls from about 1.35 to 0.9, the learned function's test
// accuracy climbs from about 48 % to 65-68 %, above every fixed activation (relu about 60).
import { z } from 'zod';
import { parseDatasetArgs } from '../data/args.js';
import { figure, round, seriesScale, type Figure } from '../plot/spec.js';
import type { TaskRecord } from '../sweep/task.js';
import { duration, failuresNote, markdownTable } from './markdown.js';
import {
  BASELINE_ACTIVATIONS,
  NOTEBOOK_PIECEWISE_FIT,
  SAMPLE_POINTS,
  type ActivationBaselineConfig,
  type ActivationBaselineRecord,
  type BaselineActivation,
  type MetalearnActivationConfig,
  type MetalearnActivationRecord,
  metaFields,
} from './metalearn-activation-task.js';
import { datasetOverrides, type BaseSettings } from './settings.js';
import type { Effects, Study } from './study.js';

export interface MetalearnActivationSettings extends BaseSettings, MetalearnActivationConfig {
  baselines: BaselineActivation[];
}

const schema = z.strictObject({
  ...metaFields,
  baselines: z.array(z.enum(BASELINE_ACTIVATIONS, { error: `must be one of ${BASELINE_ACTIVATIONS.join(', ')}` })),
  dataset: datasetOverrides,
});

/** The paper's figure: final test accuracy (%) of each fixed activation, and of the learned one. */
const PAPER_ACCURACY: Partial<Record<BaselineActivation | 'learned', string>> = { learned: '65-68', relu: '60', swish: '58', tanh: '51', softplus: '44', sigmoid: '35' };
/** The notebook's colours for the baselines; the learned function is black. */
const COLORS: Record<BaselineActivation | 'learned', string> = {
  learned: '#000000', relu: '#e6c700', swish: '#f58518', elu: '#e45756', softplus: '#8e44ad', tanh: '#4c78a8', sigmoid: '#54a24b', piecewise: '#888888',
};
/** The notebook's six fixed activations (the piecewise fit is reported beside them, not among them). */
const FIXED: readonly BaselineActivation[] = ['relu', 'swish', 'elu', 'softplus', 'tanh', 'sigmoid'];

function metaRun(records: readonly TaskRecord[]): MetalearnActivationRecord | undefined {
  return records.find((r) => r.kind === 'metalearn-activation' && r.status === 'ok') as unknown as MetalearnActivationRecord | undefined;
}

function baselines(records: readonly TaskRecord[]): ActivationBaselineRecord[] {
  const order = (r: ActivationBaselineRecord) => BASELINE_ACTIVATIONS.indexOf(r.config.activation);
  return records
    .filter((r) => r.kind === 'activation-baseline' && r.status === 'ok')
    .map((r) => r as unknown as ActivationBaselineRecord)
    .sort((a, b) => order(a) - order(b));
}

/** What the learned function looks like: its minimum, its value at 0, and a line fitted to it on [1, 5]. */
function describeShape(samples: readonly number[]) {
  let min = 0;
  samples.forEach((y, i) => (y < samples[min] ? (min = i) : 0));
  const right = SAMPLE_POINTS.map((x, i) => [x, samples[i]]).filter(([x]) => x >= 1);
  const n = right.length;
  const mx = right.reduce((s, [x]) => s + x, 0) / n, my = right.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = right.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0), sxx = right.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const residual = right.reduce((s, [x, y]) => s + (y - my - slope * (x - mx)) ** 2, 0);
  const total = right.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const zero = SAMPLE_POINTS.reduce((best, x, i) => (Math.abs(x) < Math.abs(SAMPLE_POINTS[best]) ? i : best), 0);
  return { minX: SAMPLE_POINTS[min], minY: samples[min], atZero: samples[zero], slopeAbove1: slope, linearityAbove1: 1 - residual / total, atMinus5: samples[0] };
}

export const metalearnActivation: Study<MetalearnActivationSettings> = {
  name: 'metalearn-activation',
  title: 'Meta-learning an activation function',
  about:
    "Gradient descent on the parameters of a small network g that shapes an MLP's activation, f = elu + 0.2 g, with the exact gradient of the " +
    'mean late training loss through a whole 301-step inner training run. The outer objective falls, and the learned activation trains to a ' +
    'higher test accuracy than relu, swish, elu, softplus, tanh and sigmoid in the same inner loop.',
  schema,
  defaults: {
    outerSteps: 301,
    innerSteps: 301,
    lastLosses: 200,
    outerLr: 0.3,
    clip: 0.1,
    innerLr: 0.01,
    decay: 0.4,
    eps: 1e-8,
    squareAvgInit: 1,
    batchSize: 100,
    hidden: 128,
    activationHidden: 100,
    scale: 0.2,
    noise: 0.1,
    testRows: 500,
    seed: 0,
    activationSeed: 1,
    noiseSeed: 0,
    baselines: [...BASELINE_ACTIVATIONS],
    dataset: { numSamples: 10000 },
  },
  // 30 outer steps through 101-step inner loops (the mean of the last 50 losses): seconds, and the objective still falls
  quick: { outerSteps: 30, innerSteps: 101, lastLosses: 50 },

  tasks(s) {
    const data = parseDatasetArgs(s.dataset, 'dataset');
    const inner = {
      innerSteps: s.innerSteps, lastLosses: s.lastLosses, innerLr: s.innerLr, decay: s.decay, eps: s.eps, squareAvgInit: s.squareAvgInit,
      batchSize: s.batchSize, hidden: s.hidden, activationHidden: s.activationHidden, noise: s.noise, testRows: s.testRows, seed: s.seed, noiseSeed: s.noiseSeed,
    };
    const meta: MetalearnActivationConfig = { ...inner, outerSteps: s.outerSteps, outerLr: s.outerLr, clip: s.clip, scale: s.scale, activationSeed: s.activationSeed };
    // the long outer loop first, so that the baselines fill the other workers beside it
    return [
      { kind: 'metalearn-activation', config: meta, datasets: [data] },
      ...s.baselines.map((activation) => ({ kind: 'activation-baseline', config: { ...inner, activation } satisfies ActivationBaselineConfig, datasets: [data] })),
    ];
  },

  summarize(records) {
    const run = metaRun(records);
    const base = baselines(records);
    const effects: Effects = {};
    const lines: string[] = [];
    const rows: (string | number)[][] = [];
    if (run && run.metaLoss.length) {
      const last = run.metaLoss.length - 1;
      const [first, final] = [run.metaLoss[0], run.metaLoss[last]];
      effects.objectiveStart = round(first, 4);
      effects.objectiveEnd = round(final, 4);
      effects.objectiveDrop = round((first - final) / first, 4);
      effects.testAccuracyStart = round(run.testAccuracy[0], 4);
      effects.testAccuracyEnd = round(run.testAccuracy[last], 4);
      const shape = describeShape(run.samples[last]);
      effects.shapeMinX = round(shape.minX, 3);
      effects.shapeMinY = round(shape.minY, 4);
      effects.shapeAtZero = round(shape.atZero, 4);
      effects.shapeSlopeAbove1 = round(shape.slopeAbove1, 4);
      effects.shapeLinearityAbove1 = round(shape.linearityAbove1, 4);
      if (run.diverged) effects.diverged = true;
      lines.push(
        `The outer objective falls from ${first.toFixed(3)} to ${final.toFixed(3)} (${(100 * (first - final) / first).toFixed(1)} %; the paper: about 1.35 to 0.9) ` +
          `and the learned function's test accuracy on the first ${run.config.testRows} test examples goes from ${(100 * run.testAccuracy[0]).toFixed(1)} % to ${(100 * run.testAccuracy[last]).toFixed(1)} % (the paper: about 48 % to 65-68 %).`,
        `The learned function (outer step ${last}) has its minimum ${shape.minY.toFixed(3)} at x = ${shape.minX.toFixed(2)}, f(0) ≈ ${shape.atZero.toFixed(3)}, f(-5) = ${shape.atMinus5.toFixed(3)}; ` +
          `for x ≥ 1 a line of slope ${shape.slopeAbove1.toFixed(3)} explains ${(100 * shape.linearityAbove1).toFixed(2)} % of its variance.`,
      );
      rows.push(['learned (final outer step)', (100 * run.testAccuracy[last]).toFixed(1), PAPER_ACCURACY.learned ?? '—', final.toFixed(4)]);
    }
    for (const b of base) {
      effects[`testAccuracy.${b.config.activation}`] = round(b.testAccuracy, 4);
      effects[`objective.${b.config.activation}`] = round(b.metaLoss, 4);
      rows.push([b.config.activation === 'piecewise' ? 'piecewise fit (notebook)' : b.config.activation, (100 * b.testAccuracy).toFixed(1), PAPER_ACCURACY[b.config.activation] ?? '—', b.metaLoss.toFixed(4)]);
    }
    const fixed = base.filter((b) => FIXED.includes(b.config.activation));
    if (run && run.testAccuracy.length && fixed.length) {
      const best = fixed.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
      const learned = run.testAccuracy[run.testAccuracy.length - 1];
      effects.bestBaseline = best.config.activation;
      effects.beatsEveryBaseline = learned > best.testAccuracy;
      lines.push(`The best fixed activation, ${best.config.activation}, reaches ${(100 * best.testAccuracy).toFixed(1)} %: the learned function is ${(100 * (learned - best.testAccuracy)).toFixed(1)} points ${learned > best.testAccuracy ? 'above' : 'below'} it.`);
    }
    const wall = [...(run ? [run.wall_s] : []), ...base.map((b) => b.wall_s)];
    const markdown = [
      `## ${this.title}`,
      '',
      'Test accuracy on the first test examples after one inner loop, and the outer objective (the mean of the last inner losses) of that loop.',
      '',
      markdownTable(['activation', 'test accuracy (%)', 'paper (%)', 'objective'], rows),
      '',
      ...lines,
      `Total time of the finished runs (sum over workers): ${duration(wall.reduce((a, b) => a + b, 0))}; the outer loop alone ${duration(run?.wall_s ?? 0)}.`,
      failuresNote(records.filter((r) => r.status === 'failed'), (c: { activation?: string }) => c.activation ?? 'the outer loop'),
    ].join('\n');
    return { markdown, effects };
  },

  figures(records) {
    const run = metaRun(records);
    if (!run) return [];
    const base = baselines(records);
    const steps = run.metaLoss.length;
    const last = steps - 1;
    const panel = { width: 260, height: 220 };
    const stepAxis = { field: 'step', type: 'quantitative', title: 'outer step' };
    const objective = {
      ...panel,
      data: { values: run.metaLoss.map((v, step) => ({ step, objective: round(v) })) },
      mark: { type: 'line', color: COLORS.learned },
      encoding: { x: stepAxis, y: { field: 'objective', type: 'quantitative', title: 'outer objective', scale: { zero: false } } },
    };
    const series = ['learned', ...base.map((b) => b.config.activation)];
    const accuracyRows = [
      ...run.testAccuracy.map((a, step) => ({ series: 'learned', step, accuracy: round(100 * a, 2) })),
      ...base.flatMap((b) => [0, last].map((step) => ({ series: b.config.activation, step, accuracy: round(100 * b.testAccuracy, 2) }))),
    ];
    const accuracy = {
      ...panel,
      data: { values: accuracyRows },
      mark: { type: 'line' },
      encoding: {
        x: stepAxis,
        y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: 'activation', scale: seriesScale(series, series.map((s) => COLORS[s as BaselineActivation | 'learned'])) },
        strokeDash: { condition: { test: "datum.series === 'piecewise'", value: [6, 3] }, value: [1, 0] },
      },
    };
    const every = 20;
    const shown = run.samples.map((_, step) => step).filter((step) => step % every === 0 || step === last);
    const fit = SAMPLE_POINTS.map((x) => {
      const k = NOTEBOOK_PIECEWISE_FIT.breaks.filter((b) => x >= b).length;
      const [a, c] = NOTEBOOK_PIECEWISE_FIT.coefficients[k];
      return { x: round(x), y: round(a * x + c) };
    });
    const shape = {
      ...panel,
      layer: [
        {
          data: { values: shown.flatMap((step) => SAMPLE_POINTS.map((x, i) => ({ step, x: round(x), y: round(run.samples[step][i]) }))) },
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x', scale: { domain: [-5, 5] } },
            y: { field: 'y', type: 'quantitative', title: 'learned f(x)', scale: { domain: [-1.5, 4] } },
            color: { field: 'step', type: 'quantitative', title: 'outer step', scale: { scheme: 'viridis' } },
            detail: { field: 'step', type: 'quantitative' },
          },
        },
        {
          data: { values: fit },
          mark: { type: 'line', strokeDash: [6, 3], color: COLORS.piecewise, strokeWidth: 1.5, clip: true },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    };
    const spec = figure({
      title: {
        text: 'Meta-learning an activation function',
        subtitle: [
          `f = elu + ${run.config.scale} g; objective: mean of the last ${run.config.lastLosses} of ${run.config.innerSteps} inner RMSprop losses, exact meta-gradient;`,
          `accuracy on the first ${run.config.testRows} test examples; f every ${every} outer steps; dashed grey: the notebook's piecewise fit of its learned function`,
        ],
      },
      hconcat: [objective, accuracy, shape],
      resolve: { scale: { color: 'independent' } },
    });
    return [{ name: 'metalearn-activation', spec } satisfies Figure];
  },
};

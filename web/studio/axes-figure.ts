// A free sweep's figure: final test accuracy against each axis the grid sweeps
// (every config field whose value differs across its runs), one panel per axis.
import { figure, round } from '../../src/plot/spec.js';
import type { FigureSpec } from '../../src/plot/spec.js';
import type { RunConfig, RunRecord } from '../../src/train/types.js';
import { flatten, varyingFields } from './labels.js';

export function axesFigure(configs: readonly RunConfig[], records: readonly (RunRecord | undefined)[], labels: readonly string[], width: number): FigureSpec | undefined {
  const flat = configs.map(flatten);
  const axes = varyingFields(flat);
  if (!axes.length) return undefined;
  const rows = records.flatMap((record, i) =>
    record && record.status === 'ok' && typeof record.test_acc === 'number'
      ? [{ run: labels[i], model: record.config.model, acc: round(record.test_acc * 100, 2), ...Object.fromEntries(axes.map((axis, a) => [`a${a}`, axisValue(flat[i].get(axis))])) }]
      : [],
  );
  const columns = width < 640 ? 1 : 2;
  const panelWidth = Math.max(160, Math.floor((width - 60) / columns - 80));
  return figure({
    title: { text: 'Test accuracy against each swept axis', subtitle: 'one point per finished run; hover for the run' },
    data: { values: rows },
    columns,
    concat: axes.map((axis, a) => {
      const numeric = rows.every((row) => typeof (row as Record<string, unknown>)[`a${a}`] === 'number');
      return {
        width: panelWidth,
        height: 170,
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: numeric
            ? { field: `a${a}`, type: 'quantitative', title: axis, scale: { zero: false, type: logWorthy(rows.map((r) => (r as Record<string, unknown>)[`a${a}`] as number)) ? 'log' : 'linear' } }
            : { field: `a${a}`, type: 'nominal', title: axis, axis: { labelAngle: 0 } },
          y: { field: 'acc', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
          color: { field: 'model', type: 'nominal', legend: a === 0 ? { orient: 'bottom' } : null },
          tooltip: [{ field: 'run', type: 'nominal' }, { field: 'acc', type: 'quantitative', title: 'test acc %' }],
        },
      };
    }),
  });
}

/** A field's text (labels.ts: strings bare, other values as JSON) as a number when it is one. */
function axisValue(text: string | undefined): number | string {
  if (text === undefined) return '–';
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}

/** Positive values spanning more than a factor of 20 read better on a log axis. */
function logWorthy(values: number[]): boolean {
  const min = Math.min(...values);
  return min > 0 && Math.max(...values) / min > 20;
}

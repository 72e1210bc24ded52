// Learning curves of a plan's runs: train/test accuracy and loss against step,
// one colour per run, from the finished records' histories and, for runs in
// flight, from the evaluation points their progress reports carry.
import { figure } from '../../src/plot/spec.js';
import type { FigureSpec } from '../../src/plot/spec.js';
import type { EvalPoint } from '../../src/train/types.js';

interface CurvePoint {
  run: string;
  split: 'train' | 'test';
  metric: 'accuracy (%)' | 'loss';
  step: number;
  value: number;
}

export class LearningCurves {
  private readonly points = new Map<number, EvalPoint[]>();

  /** `labels`: one per run of the plan. */
  constructor(private readonly labels: readonly string[]) {}

  /** Replaces a run's history (a finished record's). */
  setHistory(index: number, history: readonly EvalPoint[] | undefined): void {
    if (history?.length) this.points.set(index, [...history]);
  }

  /** Adds one evaluation of a run in flight; a new run's first point starts its curve afresh. */
  add(index: number, point: EvalPoint): void {
    const list = this.points.get(index) ?? [];
    const last = list.at(-1);
    this.points.set(index, last && last.step >= point.step ? [point] : [...list, point]);
  }

  clear(index: number): void {
    this.points.delete(index);
  }

  get size(): number {
    return this.points.size;
  }

  /** Two panels (accuracy, loss) side by side, or stacked when `width` is narrow. */
  spec(width: number): FigureSpec {
    const values: CurvePoint[] = [];
    for (const [index, history] of this.points) {
      const run = `${index + 1}. ${this.labels[index] ?? 'run'}`; // numbered: two runs never share a line
      for (const p of history) {
        values.push(
          { run, split: 'train', metric: 'accuracy (%)', step: p.step, value: p.train_acc * 100 },
          { run, split: 'test', metric: 'accuracy (%)', step: p.step, value: p.test_acc * 100 },
          { run, split: 'train', metric: 'loss', step: p.step, value: p.train_loss },
          { run, split: 'test', metric: 'loss', step: p.step, value: p.test_loss },
        );
      }
    }
    const stacked = width < 640;
    const panelWidth = Math.max(160, Math.floor(stacked ? width - 90 : (width - 150) / 2));
    const facet = { field: 'metric', type: 'nominal', title: null, sort: ['accuracy (%)', 'loss'] };
    return figure({
      title: { text: 'Learning curves', subtitle: 'solid: test, dashed: train; hover a line for its run' },
      data: { values },
      facet: stacked ? { row: facet } : { column: facet },
      spec: {
        width: panelWidth,
        height: 180,
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 12 } },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step' },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'run', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } },
          strokeDash: { field: 'split', type: 'nominal', scale: { domain: ['test', 'train'], range: [[1, 0], [4, 3]] }, legend: null },
          detail: { field: 'split' },
          tooltip: [
            { field: 'run', type: 'nominal' },
            { field: 'split', type: 'nominal' },
            { field: 'step', type: 'quantitative' },
            { field: 'value', type: 'quantitative', format: '.3f' },
          ],
        },
      },
      resolve: { scale: { y: 'independent' } },
    });
  }
}

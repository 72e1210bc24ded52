// What the Run button runs, with how to name its runs and draw its records: a
// paper study's tasks (its own figures and summary) or a free sweep's grid (test
// accuracy against each swept axis).
import type { AnyStudy } from '../../src/experiments/index.js';
import { taskKinds } from '../../src/experiments/task-kinds.js';
import type { Figure } from '../../src/plot/spec.js';
import { expandGrid } from '../../src/sweep/grid.js';
import { describeTask } from '../../src/sweep/normalize.js';
import type { StoredRecord } from '../../src/sweep/results-store.js';
import type { PreparedTask, TaskRecord } from '../../src/sweep/task.js';
import type { RunConfig, RunRecord } from '../../src/train/types.js';
import { axesFigure } from './axes-figure.js';
import { runLabels } from './labels.js';
import type { Plan } from './runner.js';

export interface PagePlan extends Plan {
  /** One short name per task, in order. */
  labels(tasks: readonly PreparedTask[]): string[];
  /** The figures of the records finished so far, `width` CSS pixels wide where a figure can adapt. */
  figures(records: StoredRecord[], width: number): Figure[];
  /** The summary markdown of the records finished so far, if the plan has one. */
  summary(records: StoredRecord[]): string | undefined;
}

export function studyPlan(study: AnyStudy, settings: object): PagePlan {
  return {
    tasks: study.tasks(settings),
    // Plain training runs are named by the config fields that differ between them, other kinds by their own description.
    labels: (prepared) =>
      prepared.every((task) => task.kind === taskKinds.plain)
        ? runLabels(prepared.map((task) => task.config as RunConfig))
        : prepared.map((task) => describeTask(task, taskKinds)),
    figures: (records) => (records.length ? study.figures(records as TaskRecord[]) : []),
    summary: (records) => (records.length ? study.summarize(records as TaskRecord[]).markdown : undefined),
  };
}

/** A free sweep's plan from its grid (`mnist1d sweep --grid` format); throws naming a bad entry. */
export function sweepPlan(grid: unknown): PagePlan {
  const configs = expandGrid(grid);
  const labels = runLabels(configs);
  return {
    tasks: configs,
    labels: () => labels,
    figures: (records, width) => {
      const spec = axesFigure(configs, records as unknown as (RunRecord | undefined)[], labels, width);
      return spec ? [{ name: 'sweep-axes', spec }] : [];
    },
    summary: () => undefined,
  };
}

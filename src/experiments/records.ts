// Glue between studies and the sweep: a study's training runs as sweep tasks,
// and the finished records of a results file.
import { recordKind } from '../sweep/task-kind.js';
import type { SweepTask, TaskRecord } from '../sweep/task.js';
import { parseRunConfig } from '../train/config.js';
import type { RunConfig, RunRecord } from '../train/types.js';
import { taskKinds } from './task-kinds.js';

/** A 'train' task for a run config (defaults filled in and validated now, before any run starts). */
export function trainTask(config: Partial<RunConfig> & Pick<RunConfig, 'model'>): SweepTask {
  return { kind: 'train', config: parseRunConfig(config, 'config'), datasets: [] };
}

/** The 'train' records that finished with metrics (failed and diverged runs are left out). */
export function finished(records: readonly TaskRecord[]): (RunRecord & TaskRecord)[] {
  return records.filter(
    (r): r is RunRecord & TaskRecord => recordKind(taskKinds, r) === 'train' && r.status === 'ok' && typeof r.test_acc === 'number',
  );
}

/**
 * Tasks sorted by estimated cost, most expensive first (stable): with runs handed
 * to workers in order, starting the long ones first keeps the last worker from
 * finishing far behind the others.
 */
export function longestFirst<T>(tasks: readonly T[], cost: (task: T) => number): T[] {
  return tasks
    .map((task, i) => ({ task, i, cost: cost(task) }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i)
    .map((t) => t.task);
}

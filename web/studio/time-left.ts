// An honest time-left estimate: the steps still to train divided by the steps per
// second measured so far in this sweep (over all workers), not a count of runs.
// A run's step count is known from its config for 'train' tasks and from its
// progress reports once it starts; until then other kinds count as the mean.
import type { PreparedTask } from '../../src/sweep/task.js';
import { parseDatasetArgs, trainCount } from '../../src/data/args.js';
import type { RunConfig } from '../../src/train/types.js';

/** Steps a plain training run takes, or undefined when its config does not say. */
export function plannedSteps(task: Pick<PreparedTask, 'kind' | 'config'>): number | undefined {
  if (task.kind !== 'train') return undefined;
  const config = task.config as RunConfig;
  if (config.steps !== undefined) return config.steps;
  return config.epochs! * Math.ceil(trainCount(parseDatasetArgs(config.dataset)) / config.batchSize);
}

export class TimeLeft {
  private readonly total = new Map<number, number>();
  private readonly done = new Map<number, number>();
  private readonly started = performance.now();

  /** `pending`: index -> planned steps (undefined when unknown) of every run still to do. */
  constructor(pending: ReadonlyMap<number, number | undefined>) {
    for (const [index, steps] of pending) {
      if (steps !== undefined) this.total.set(index, steps);
      this.done.set(index, 0);
    }
  }

  progress(index: number, step: number, totalSteps: number): void {
    this.total.set(index, totalSteps);
    this.done.set(index, step);
  }

  finished(index: number): void {
    this.done.set(index, this.total.get(index) ?? this.done.get(index) ?? 0);
  }

  /** Seconds left, or null before any step was measured. */
  seconds(): number | null {
    const elapsed = (performance.now() - this.started) / 1000;
    let doneSteps = 0;
    let known = 0;
    let knownCount = 0;
    for (const steps of this.total.values()) (known += steps), knownCount++;
    for (const steps of this.done.values()) doneSteps += steps;
    if (doneSteps === 0 || elapsed <= 0) return null;
    const mean = knownCount ? known / knownCount : 0;
    let totalSteps = 0;
    for (const index of this.done.keys()) totalSteps += this.total.get(index) ?? mean;
    return Math.max(0, totalSteps - doneSteps) / (doneSteps / elapsed);
  }
}

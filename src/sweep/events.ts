// What a sweep reports while it runs (SweepOptions.onEvent). `lane` numbers the
// runs in flight (0 .. concurrency-1): a display shows one line per lane.
import type { RunProgress } from '../train/types.js';
import type { TaskRecord } from './task.js';

export type SweepEvent =
  /** `total` runs in the sweep, `skipped` of them already in results.jsonl (resume). */
  | { type: 'sweep-start'; total: number; pending: number; skipped: number; concurrency: number }
  | { type: 'run-start'; lane: number; index: number; key: string; label: string; attempt: number }
  | { type: 'run-progress'; lane: number; index: number; key: string; progress: RunProgress }
  /** The run's worker died; the run starts once more. */
  | { type: 'run-retry'; lane: number; index: number; key: string; label: string; reason: string }
  | { type: 'run-end'; lane: number; index: number; key: string; label: string; record: TaskRecord }
  /** Overall progress over the pending runs; etaS is null until something is done. */
  | { type: 'progress'; done: number; failed: number; total: number; elapsedS: number; etaS: number | null }
  | { type: 'sweep-end'; done: number; failed: number; skipped: number; elapsedS: number; cancelled: boolean };

export type SweepEventListener = (event: SweepEvent) => void;

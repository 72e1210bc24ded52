// Runs a plan (a study's tasks or a free sweep's run configs) in this tab's Web
// Workers through the same runSweep as Node, with IndexedDB as its results.jsonl:
// runs already stored are skipped, each finished record is stored at once. One tab
// at a time writes (a Web Lock): a second tab waits, then runs only what is still
// missing, so no run is trained twice.
import { taskKinds } from '../../src/experiments/task-kinds.js';
import type { SweepEvent } from '../../src/sweep/events.js';
import { normalizeTasks } from '../../src/sweep/normalize.js';
import type { StoredRecord } from '../../src/sweep/results-store.js';
import { runSweep } from '../../src/sweep/sweep.js';
import type { PreparedTask } from '../../src/sweep/task.js';
import { WatchedExecutor, type DatasetDelivery } from '../watched-executor.js';
import { getRecords, putRecord } from './results-db.js';

// Imported the way sweep.ts imports it (dynamically), so the bundler keeps one chunk for both.
const { createBrowserPool } = await import('../../src/sweep/browser-pool.js');

const WRITER_LOCK = 'mnist1d-results-writer';

/** What the page runs: run configs or tasks, exactly as runSweep takes them. */
export interface Plan {
  tasks: readonly unknown[];
}

export interface PlanState {
  prepared: PreparedTask[];
  /** One per task, in order: its stored record, if any. */
  records: (StoredRecord | undefined)[];
}

export interface PlanRunOptions {
  workers: number;
  signal: AbortSignal;
  /** Sweep events with `index` counted over the whole plan. */
  onEvent(event: SweepEvent): void;
  /** Called (once, before any run) with what is stored, when the runs start. */
  onStart(state: PlanState): void;
  /** Called when another tab holds the writer lock and this one waits for it. */
  onWaiting(): void;
}

export interface PlanResult extends PlanState {
  records: StoredRecord[];
  /** Runs trained by this call (the others were stored already). */
  ran: number;
  datasets: DatasetDelivery[];
}

/** The plan's tasks validated and keyed, with what IndexedDB holds for them. */
export async function planState(plan: Plan): Promise<PlanState> {
  const prepared = normalizeTasks(plan.tasks, taskKinds);
  return { prepared, records: await getRecords(prepared.map((t) => t.key)) };
}

export async function runPlan(plan: Plan, options: PlanRunOptions): Promise<PlanResult> {
  normalizeTasks(plan.tasks, taskKinds); // a bad plan fails before waiting for the lock
  return withWriterLock(options, () => runLocked(plan, options));
}

async function runLocked(plan: Plan, options: PlanRunOptions): Promise<PlanResult> {
  const state = await planState(plan);
  options.onStart(state);
  const pending = state.records.flatMap((record, index) => (record ? [] : [index]));
  if (!pending.length) return { ...state, records: state.records as StoredRecord[], ran: 0, datasets: [] };
  const executor = new WatchedExecutor(await createBrowserPool({ kinds: taskKinds, size: Math.min(options.workers, pending.length) }));
  const stores: Promise<void>[] = [];
  try {
    const { records } = await runSweep<StoredRecord>(
      pending.map((i) => plan.tasks[i]),
      {
        executor,
        signal: options.signal,
        onEvent: (event) => {
          const global = 'index' in event ? { ...event, index: pending[event.index] } : event;
          if (global.type === 'run-end') stores.push(putRecord(global.record as StoredRecord));
          options.onEvent(global);
        },
      },
    );
    pending.forEach((index, i) => (state.records[index] = records[i]));
    return { ...state, records: state.records as StoredRecord[], ran: pending.length, datasets: [...executor.datasets.values()] };
  } finally {
    await Promise.allSettled(stores);
    await executor.close();
  }
}

/** Runs `work` holding the cross-tab writer lock (as is, where Web Locks are missing). */
async function withWriterLock<T>(options: PlanRunOptions, work: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return work();
  let result: { value: T } | undefined;
  await navigator.locks.request(WRITER_LOCK, { ifAvailable: true }, async (lock) => {
    if (lock) result = { value: await work() };
  });
  if (result) return result.value;
  options.onWaiting();
  return navigator.locks.request(WRITER_LOCK, { signal: options.signal }, work);
}

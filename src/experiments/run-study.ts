// Node: runs a study end to end. Its tasks go through runSweep (parallel,
// resumable: records are appended to <out>/results.jsonl), then the records of
// exactly these tasks are summarised and drawn: <out>/summary.md,
// <out>/summary.json (settings, effects, timing) and the figures as SVG, PNG and
// Vega-Lite JSON. The study holds the folder's lock (one writer) from before its
// first run until its last file is written; every file is written atomically.
import { join } from 'node:path';
import { writeFilesAtomic } from '../io/atomic-write.js';
import { writeFigure, type WrittenFigure } from '../plot/files.js';
import type { SweepEventListener } from '../sweep/events.js';
import type { Executor } from '../sweep/executor.js';
import { withFolderLock } from '../sweep/folder-lock.js';
import { RESULTS_FILE } from '../sweep/results-store.js';
import { runSweep } from '../sweep/sweep.js';
import type { TaskRecord } from '../sweep/task.js';
import { duration } from './markdown.js';
import type { AnyStudy, StudySummary } from './study.js';
import { taskKinds } from './task-kinds.js';

export interface StudyRunOptions {
  outDir: string;
  workers?: number;
  resume?: boolean;
  /** With resume: run again the tasks recorded as failed. */
  retryFailed?: boolean;
  /** Where the tasks run (e.g. a QueueExecutor); default the local worker pool. */
  executor?: Executor;
  signal?: AbortSignal;
  onEvent?: SweepEventListener;
  /** How the study was invoked, quoted in summary.md (e.g. "mnist1d run pooling --quick"). */
  command?: string;
}

export interface StudyRunResult {
  records: TaskRecord[];
  summary: StudySummary;
  figures: WrittenFigure[];
  /** Wall time of the sweep (s); runs skipped on resume took none. */
  wall_s: number;
  skipped: number;
  failed: number;
  files: { results: string; summary: string; json: string };
}

export function runStudy(study: AnyStudy, settings: object, options: StudyRunOptions): Promise<StudyRunResult> {
  return withFolderLock(options.outDir, () => runLocked(study, settings, options));
}

async function runLocked(study: AnyStudy, settings: object, options: StudyRunOptions): Promise<StudyRunResult> {
  const tasks = study.tasks(settings);
  const started = performance.now();
  let workers = 0;
  const result = await runSweep<TaskRecord>(tasks, {
    kinds: taskKinds,
    workers: options.workers,
    outDir: options.outDir,
    resume: options.resume,
    retryFailed: options.retryFailed,
    executor: options.executor,
    signal: options.signal,
    onEvent: (event) => {
      if (event.type === 'sweep-start') workers = event.concurrency;
      options.onEvent?.(event);
    },
  });
  const wall = (performance.now() - started) / 1e3;
  // Records from queue workers name where they ran: count those workers, not the jobs kept in flight.
  const remoteWorkers = new Set(result.records.flatMap((r) => (typeof r.worker === 'string' ? [r.worker] : []))).size;
  if (remoteWorkers) workers = remoteWorkers;
  const summary = study.summarize(result.records);
  const figures: WrittenFigure[] = [];
  for (const figure of study.figures(result.records)) figures.push(await writeFigure(options.outDir, figure));

  const timing =
    `Sweep wall time: ${duration(wall)}` +
    (result.skipped ? ` (${result.skipped} of ${tasks.length} tasks were already done and not run again)` : ` for ${tasks.length} tasks`) +
    (workers ? ` on ${workers} workers.` : '.');
  const markdown = [
    summary.markdown,
    '',
    timing,
    ...(options.command ? ['', `Command: \`${options.command}\``] : []),
    '',
    `Settings: \`${JSON.stringify(settings)}\``,
    '',
    ...figures.map((f) => `![${f.name}](${f.name}.png)`),
    '',
  ].join('\n');
  const files = { results: join(options.outDir, RESULTS_FILE), summary: join(options.outDir, 'summary.md'), json: join(options.outDir, 'summary.json') };
  const json = { study: study.name, settings, effects: summary.effects, wall_s: wall, workers, tasks: tasks.length, skipped: result.skipped, failed: result.failed };
  await writeFilesAtomic([
    { path: files.summary, data: markdown },
    { path: files.json, data: JSON.stringify(json, null, 2) + '\n' },
  ]);
  return { records: result.records, summary: { ...summary, markdown }, figures, wall_s: wall, skipped: result.skipped, failed: result.failed, files };
}

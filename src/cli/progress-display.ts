// The live display of a sweep on stderr. On a terminal: an overall bar (runs done,
// failures, ETA) and one bar per worker lane (its run and step), via cli-progress;
// retries and failures are logged above the bars. Otherwise (a pipe, a CI log):
// one plain line per finished run, retry or failure, none per step.
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { SweepEvent } from '../sweep/events.js';
import { TaskError, type TaskRecord } from '../sweep/task.js';
import { CancelledError } from './errors.js';

export interface ProgressDisplay {
  onEvent(event: SweepEvent): void;
  /** Stops the bars (idempotent); call it before printing anything else. */
  stop(): void;
}

export interface ProgressDisplayOptions {
  stream?: NodeJS.WriteStream;
  /** Shown before the overall bar, e.g. the study's name. */
  title?: string;
}

export function createProgressDisplay(options: ProgressDisplayOptions = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? new BarsDisplay(stream, options.title ?? 'sweep') : new LinesDisplay(stream, options.title ?? 'sweep');
}

export interface SweepHooks {
  signal: AbortSignal;
  onEvent(event: SweepEvent): void;
}

/**
 * Runs a sweep-backed job (runSweep, a study) with the live display on stderr and
 * Ctrl-C / SIGTERM wired to its AbortSignal (a second Ctrl-C kills at once). The
 * display is stopped when it returns; a cancelled job becomes a CancelledError
 * (exit 130) saying where the finished runs are and how to resume.
 */
export async function runWithDisplay<T>(options: { title: string; resultsPath: string }, job: (hooks: SweepHooks) => Promise<T>): Promise<T> {
  const display = createProgressDisplay({ title: options.title });
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    return await job({ signal: controller.signal, onEvent: (event) => display.onEvent(event) });
  } catch (error) {
    if (error instanceof TaskError && error.code === 'ABORTED') {
      throw new CancelledError(cancelledMessage(options.title, options.resultsPath));
    }
    throw error;
  } finally {
    display.stop();
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}

/** What a cancelled job says: where its finished runs are, or that none finished (no results file was written). */
export function cancelledMessage(title: string, resultsPath: string): string {
  if (!existsSync(resultsPath)) return `${title} cancelled before any run finished (no ${resultsPath} was written): run it again to start over`;
  return `${title} cancelled; finished runs are in ${resultsPath}: run again with --resume to finish it`;
}

class BarsDisplay implements ProgressDisplay {
  private readonly bars: cliProgress.MultiBar;
  private overall?: cliProgress.SingleBar;
  private readonly lanes: cliProgress.SingleBar[] = [];
  private stopped = false;

  constructor(stream: NodeJS.WriteStream, private readonly title: string) {
    this.bars = new cliProgress.MultiBar(
      { stream, hideCursor: true, clearOnComplete: false, autopadding: true, barsize: 24, fps: 5, emptyOnZero: true },
      cliProgress.Presets.shades_classic,
    );
  }

  onEvent(event: SweepEvent): void {
    if (this.stopped) return;
    switch (event.type) {
      case 'sweep-start':
        this.overall = this.bars.create(event.pending, 0, { failed: 0, etaText: '-', note: skippedNote(event.skipped) }, {
          format: `${this.title} {bar} {value}/{total} runs | {failed} failed | ETA {etaText}{note}`,
        });
        for (let lane = 0; lane < event.concurrency; lane++) {
          this.lanes.push(this.bars.create(1, 0, { lane, run: 'idle' }, { format: `  worker {lane} {bar} {value}/{total} steps | {run}` }));
        }
        break;
      case 'run-start':
        this.lanes[event.lane]?.update(0, { run: `${event.label} (${event.key.slice(0, 8)})${event.attempt > 1 ? ' retry' : ''}` });
        break;
      case 'run-progress': {
        const worker = workerOf(event.progress);
        this.lanes[event.lane]?.setTotal(Math.max(1, event.progress.totalSteps));
        this.lanes[event.lane]?.update(event.progress.step, worker ? { lane: worker } : {});
        break;
      }
      case 'run-retry':
        this.bars.log(`retrying ${event.label} (${event.key}): ${event.reason}\n`);
        break;
      case 'run-end':
        if (event.record.status === 'failed') this.bars.log(`failed ${event.label} (${event.key}): ${event.record.reason}\n`);
        this.lanes[event.lane]?.update(0, { run: 'idle' });
        break;
      case 'progress':
        this.overall?.update(event.done, { failed: event.failed, etaText: formatDuration(event.etaS) });
        break;
      case 'sweep-end':
        this.stop();
        break;
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.stop();
  }
}

class LinesDisplay implements ProgressDisplay {
  private total = 0;
  private done = 0;
  private eta: number | null = null;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly title: string,
  ) {}

  onEvent(event: SweepEvent): void {
    switch (event.type) {
      case 'sweep-start':
        this.total = event.pending;
        this.line(`${event.pending} runs to do${skippedNote(event.skipped)}, ${event.concurrency} workers`);
        break;
      case 'run-retry':
        this.line(`retrying ${event.label} (${event.key}): ${event.reason}`);
        break;
      case 'progress':
        this.done = event.done;
        this.eta = event.etaS;
        break;
      case 'run-end': {
        const worker = workerOf(event.record);
        this.line(`[${this.done}/${this.total}] ${summarize(event.record)} ${event.label} (${event.key})${worker ? ` on ${worker}` : ''} | ETA ${formatDuration(this.eta)}`);
        break;
      }
      case 'sweep-end':
        this.line(`${event.cancelled ? 'cancelled' : 'done'}: ${event.done} runs, ${event.failed} failed in ${formatDuration(event.elapsedS)}`);
        break;
    }
  }

  stop(): void {}

  private line(text: string): void {
    this.stream.write(`${this.title}: ${text}\n`);
  }
}

/** "ok test_acc=0.812 2.1s", "diverged: ...", "failed: ...". */
export function summarize(record: TaskRecord): string {
  if (record.status !== 'ok') return `${record.status}: ${record.reason ?? 'no reason given'} |`;
  const acc = typeof record.test_acc === 'number' ? ` test_acc=${record.test_acc.toFixed(3)}` : '';
  const wall = typeof record.wall_s === 'number' ? ` ${formatDuration(record.wall_s)}` : '';
  return `ok${acc}${wall} |`;
}

/** The machine and worker ("host/2") a queue worker names in its progress and records (queue-worker.ts); undefined for local runs. */
function workerOf(value: object): string | undefined {
  const worker = (value as { worker?: unknown }).worker;
  return typeof worker === 'string' && worker ? worker : undefined;
}

function skippedNote(skipped: number): string {
  return skipped ? ` (${skipped} already in results.jsonl)` : '';
}

/** 4.2s, 3m05s, 1h02m; '-' when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

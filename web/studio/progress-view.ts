// Renders a plan's runs: the overall bar with an honest time left (time-left.ts),
// one lane per worker (its run, step and latest test accuracy) and the results
// table (one row per run, plan order; stored runs filled in before anything runs).
import type { SweepEvent } from '../../src/sweep/events.js';
import type { StoredRecord } from '../../src/sweep/results-store.js';
import type { RunRecord } from '../../src/train/types.js';
import { TimeLeft } from './time-left.js';

const percent = (x: number | null | undefined) => (typeof x === 'number' ? `${(100 * x).toFixed(1)} %` : '–');
const fixed = (x: number | null | undefined, digits: number) => (typeof x === 'number' ? x.toFixed(digits) : '–');
export const seconds = (s: number) => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

interface Lane {
  what: HTMLElement;
  bar: HTMLProgressElement;
  info: HTMLElement;
  /** Test accuracy at the run's latest evaluation, shown between evaluations. */
  testAcc: number | null;
}

export interface ProgressElements {
  overall: HTMLElement;
  overallBar: HTMLProgressElement;
  lanes: HTMLOListElement;
  results: HTMLTableSectionElement;
}

export class ProgressView {
  private lanes: Lane[] = [];
  private rows: HTMLTableRowElement[] = [];
  private readonly running = new Set<number>();
  private timeLeft: TimeLeft | undefined;
  private stored = 0;

  constructor(private readonly elements: ProgressElements) {}

  /** Shows the plan's runs: stored ones with their results, the others as `pendingText`. */
  show(labels: readonly string[], records: readonly (StoredRecord | undefined)[], pendingText = 'to run'): void {
    this.stored = records.filter(Boolean).length;
    this.rows = labels.map((label, i) => {
      const tr = document.createElement('tr');
      tr.append(cell(String(i + 1), 'num'), cell(label, 'run'), cell(pendingText, 'muted'));
      for (let c = 0; c < 6; c++) tr.append(cell('', 'num'));
      return tr;
    });
    this.elements.results.replaceChildren(...this.rows);
    records.forEach((record, i) => record && this.fill(i, record as unknown as RunRecord));
    this.elements.lanes.replaceChildren();
    this.elements.overallBar.value = labels.length ? this.stored / labels.length : 0;
    this.elements.overall.textContent = `${this.stored} / ${labels.length} runs stored`;
  }

  /** Starts the clock for the runs still to do (index -> planned steps, if known). */
  start(pending: ReadonlyMap<number, number | undefined>): void {
    this.timeLeft = new TimeLeft(pending);
    for (const index of pending.keys()) this.status(index, 'queued', 'muted');
  }

  handle(event: SweepEvent): void {
    switch (event.type) {
      case 'sweep-start':
        this.startLanes(Math.min(event.concurrency, event.pending));
        break;
      case 'run-start': {
        const lane = this.lanes[event.lane];
        lane.what.textContent = this.rows[event.index].cells[1].textContent;
        lane.bar.value = 0;
        lane.testAcc = null;
        lane.info.textContent = event.attempt > 1 ? `retry ${event.attempt - 1}` : 'starting';
        this.status(event.index, 'running', '');
        this.running.add(event.index);
        break;
      }
      case 'run-progress': {
        const { step, totalSteps, point } = event.progress;
        this.timeLeft?.progress(event.index, step, totalSteps);
        const lane = this.lanes[event.lane];
        lane.bar.value = totalSteps ? step / totalSteps : 0;
        if (point) lane.testAcc = point.test_acc;
        lane.info.textContent = `step ${step} / ${totalSteps}` + (lane.testAcc === null ? '' : ` · test ${percent(lane.testAcc)}`);
        break;
      }
      case 'run-retry':
        this.lanes[event.lane].info.textContent = `worker died, retrying: ${event.reason}`;
        break;
      case 'run-end': {
        const lane = this.lanes[event.lane];
        lane.bar.value = 1;
        lane.info.textContent = `${event.record.status} · test ${percent((event.record as unknown as RunRecord).test_acc)}`;
        this.timeLeft?.finished(event.index);
        this.fill(event.index, event.record as unknown as RunRecord);
        this.running.delete(event.index);
        break;
      }
      case 'progress': {
        const all = this.rows.length;
        this.elements.overallBar.value = all ? (this.stored + event.done + this.runningFraction()) / all : 0;
        const left = this.timeLeft?.seconds() ?? null;
        const eta = left === null ? '' : ` · about ${seconds(left)} left`;
        const failed = event.failed ? ` · ${event.failed} failed` : '';
        this.elements.overall.textContent = `${this.stored + event.done} / ${all} runs · ${seconds(event.elapsedS)}${eta}${failed}`;
        break;
      }
      case 'sweep-end': {
        const state = event.cancelled ? 'stopped' : 'finished';
        this.elements.overall.textContent =
          `${state}: ${event.done} runs in ${seconds(event.elapsedS)}` + (this.stored ? `, ${this.stored} were stored` : '') + (event.failed ? ` · ${event.failed} failed` : '');
        if (!event.cancelled) this.elements.overallBar.value = 1;
        for (const lane of this.lanes) if (lane.bar.value < 1) lane.info.textContent = state;
        for (const index of this.running) this.status(index, 'not run', 'muted');
        this.running.clear();
        this.rows.forEach((row, i) => row.cells[2].textContent === 'queued' && this.status(i, 'not run', 'muted'));
        break;
      }
    }
  }

  private startLanes(count: number): void {
    this.lanes = Array.from({ length: count }, (_, i) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = `worker ${i + 1}`;
      const lane: Lane = { what: document.createElement('span'), bar: document.createElement('progress'), info: document.createElement('span'), testAcc: null };
      lane.what.className = 'what';
      lane.info.className = 'info';
      lane.bar.max = 1;
      lane.bar.value = 0;
      li.append(who, lane.what, lane.bar, lane.info);
      return { li, lane };
    }).map(({ li, lane }) => {
      this.elements.lanes.append(li);
      return lane;
    });
  }

  private runningFraction(): number {
    return this.lanes.reduce((sum, lane) => sum + (lane.bar.value < 1 ? lane.bar.value : 0), 0);
  }

  private status(index: number, text: string, className: string): void {
    const td = this.rows[index].cells[2];
    td.textContent = text;
    td.className = className;
  }

  private fill(index: number, record: RunRecord): void {
    this.status(index, record.status, `status-${record.status}`);
    if (record.reason) this.rows[index].cells[2].title = record.reason;
    const values = [
      String(record.steps ?? '–'),
      percent(record.train_acc),
      percent(record.test_acc),
      fixed(record.test_loss, 3),
      typeof record.steps_per_s === 'number' ? Math.round(record.steps_per_s).toLocaleString('en') : '–',
      fixed(record.wall_s, 2),
    ];
    values.forEach((text, c) => (this.rows[index].cells[3 + c].textContent = text));
  }
}

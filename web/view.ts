// Renders a sweep as it runs: the overall bar, one lane per worker (its run, step
// and latest test accuracy) and the results table (one row per run, input order).
import type { SweepEvent } from '../src/sweep/events.js';
import type { RunRecord } from '../src/train/types.js';

const percent = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
const fixed = (x: number | null, digits: number) => (x === null ? '–' : x.toFixed(digits));
const seconds = (s: number) => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

interface Lane {
  who: HTMLElement;
  what: HTMLElement;
  bar: HTMLProgressElement;
  info: HTMLElement;
  /** Test accuracy at the run's latest evaluation, shown between evaluations. */
  testAcc: number | null;
}

export class SweepView {
  private lanes: Lane[] = [];
  private rows: HTMLTableRowElement[] = [];
  /** Indices of the runs in flight. */
  private running = new Set<number>();

  constructor(
    private readonly elements: {
      overall: HTMLElement;
      overallBar: HTMLProgressElement;
      lanes: HTMLOListElement;
      results: HTMLTableSectionElement;
    },
    /** Row labels, one per run of the sweep, in input order. */
    private readonly labels: string[],
  ) {}

  handle(event: SweepEvent): void {
    switch (event.type) {
      case 'sweep-start':
        this.start(event.concurrency, event.pending);
        break;
      case 'run-start': {
        const lane = this.lanes[event.lane];
        lane.what.textContent = this.labels[event.index];
        lane.bar.value = 0;
        lane.testAcc = null;
        lane.info.textContent = event.attempt > 1 ? `retry ${event.attempt - 1}` : 'starting';
        this.status(event.index, 'running', '');
        this.running.add(event.index);
        break;
      }
      case 'run-progress': {
        const { step, totalSteps, point } = event.progress;
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
        this.fill(event.index, event.record as unknown as RunRecord);
        this.running.delete(event.index);
        break;
      }
      case 'progress': {
        this.elements.overallBar.value = event.total ? (event.done + this.runningFraction()) / event.total : 0;
        const eta = event.etaS === null ? '' : ` · about ${seconds(event.etaS)} left`;
        const failed = event.failed ? ` · ${event.failed} failed` : '';
        this.elements.overall.textContent = `${event.done} / ${event.total} runs · ${seconds(event.elapsedS)}${eta}${failed}`;
        break;
      }
      case 'sweep-end': {
        const state = event.cancelled ? 'stopped' : 'finished';
        this.elements.overall.textContent = `${state}: ${event.done} runs in ${seconds(event.elapsedS)}` + (event.failed ? ` · ${event.failed} failed` : '');
        if (!event.cancelled) this.elements.overallBar.value = 1;
        for (const lane of this.lanes) if (lane.bar.value < 1) lane.info.textContent = state;
        for (const index of this.running) this.status(index, state, 'muted');
        break;
      }
    }
  }

  private start(concurrency: number, pending: number): void {
    this.elements.overallBar.value = 0;
    this.elements.overall.textContent = 'generating the dataset…';
    this.elements.lanes.replaceChildren();
    this.lanes = Array.from({ length: Math.min(concurrency, pending) }, (_, i) => {
      const li = document.createElement('li');
      const lane: Lane = {
        who: document.createElement('span'),
        what: document.createElement('span'),
        bar: document.createElement('progress'),
        info: document.createElement('span'),
        testAcc: null,
      };
      lane.who.className = 'who';
      lane.who.textContent = `worker ${i + 1}`;
      lane.what.className = 'what';
      lane.bar.max = 1;
      lane.bar.value = 0;
      li.append(lane.who, lane.what, lane.bar, lane.info);
      this.elements.lanes.append(li);
      return lane;
    });
    this.rows = this.labels.map((label, i) => {
      const tr = document.createElement('tr');
      tr.append(cell(String(i + 1), 'num'), cell(label, 'run'), cell('queued', 'muted'));
      for (let c = 0; c < 6; c++) tr.append(cell('', 'num'));
      return tr;
    });
    this.elements.results.replaceChildren(...this.rows);
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
      String(record.steps),
      percent(record.train_acc),
      percent(record.test_acc),
      fixed(record.test_loss, 3),
      Math.round(record.steps_per_s).toLocaleString('en'),
      fixed(record.wall_s, 2),
    ];
    values.forEach((text, c) => (this.rows[index].cells[3 + c].textContent = text));
  }
}

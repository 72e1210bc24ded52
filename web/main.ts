// The studio: pick a paper study or build a free sweep, run it in Web Workers
// (studio/runner.ts, results kept in IndexedDB), watch live figures, curves and
// the study's summary; explore the dataset. The whole configuration lives in the
// URL (url-state.ts). For automation it exposes window.mnist1d (see PageApi).
import { getStudy } from '../src/experiments/index.js';
import type { SweepEvent } from '../src/sweep/events.js';
import type { StoredRecord } from '../src/sweep/results-store.js';
import type { RunRecord } from '../src/train/types.js';
import { Embedding } from './explorer/embedding.js';
import { Explorer, type ExplorerApi } from './explorer/explorer.js';
import { ensureIsolation, isolationText } from './isolation.js';
import { readState, writeState, type PageState, type Tab } from './url-state.js';
import { LearningCurves } from './studio/curves.js';
import { download, recordsCsv, recordsJsonl } from './studio/downloads.js';
import { FiguresPanel } from './studio/figures-panel.js';
import { renderMarkdown } from './studio/markdown-view.js';
import { ProgressView } from './studio/progress-view.js';
import { clearRecords, countRecords, importResults } from './studio/results-db.js';
import { studyPlan, sweepPlan, type PagePlan } from './studio/plans.js';
import { planState, runPlan } from './studio/runner.js';
import { StudyPanel } from './studio/study-panel.js';
import { SweepForm } from './studio/sweep-form.js';
import { plannedSteps } from './studio/time-left.js';
import type { DatasetDelivery } from './watched-executor.js';

/** More workers than this rarely help: runs then share cores and memory bandwidth. */
const MAX_WORKERS = 16;
/** Set while a plan runs (its URL); a reload with the same URL resumes it. */
const RUNNING_KEY = 'mnist1d-running';

interface PageApi {
  /** Runs `grid` (the `mnist1d sweep --grid` format) as a free sweep on `workers` workers. */
  runSweep(grid: unknown, workers?: number): Promise<RunRecord[]>;
  /** How the datasets of the last run reached the workers. */
  datasets: DatasetDelivery[];
  /** The current plan's records, in order (undefined where not run yet). */
  records(): Promise<(StoredRecord | undefined)[]>;
  /** Runs trained and runs found stored by the last Run. */
  lastRun: { ran: number; stored: number } | null;
  /** Renders done per figure name. */
  figureRenders: Map<string, number>;
  explorer: ExplorerApi;
  /** Resolves when the page has shown the current plan (after load or a change). */
  ready(): Promise<void>;
}

declare global {
  interface Window {
    mnist1d: PageApi;
  }
}

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

const isolation = await ensureIsolation();
if (isolation) await start(isolation);

async function start(isolated: NonNullable<Awaited<ReturnType<typeof ensureIsolation>>>): Promise<void> {
  const ui = {
    isolation: $('#isolation'),
    tabs: Array.from(document.querySelectorAll<HTMLButtonElement>('[role=tab]')),
    workers: $<HTMLInputElement>('#workers'),
    workersNote: $('#workers-note'),
    run: $<HTMLButtonElement>('#run'),
    stop: $<HTMLButtonElement>('#stop'),
    message: $('#message'),
    summary: $('#summary'),
    storeStatus: $('#store-status'),
  };
  ui.isolation.textContent = isolationText(isolated);
  ui.isolation.classList.toggle('shared', isolated.isolation !== 'none');

  const initial = readState();
  let tab: Tab = initial.tab;
  let running: AbortController | undefined;
  let shown: Promise<void> = Promise.resolve();
  const view = new ProgressView({ overall: $('#overall'), overallBar: $<HTMLProgressElement>('#overall-bar'), lanes: $<HTMLOListElement>('#lanes'), results: $<HTMLTableSectionElement>('#results tbody') });
  const figures = new FiguresPanel($('#figures'));
  const say = (text: string, isError = false) => {
    ui.message.textContent = text;
    ui.message.classList.toggle('error', isError);
  };

  const studyPanel = new StudyPanel(
    { select: $('#study'), quick: $('#quick'), about: $('#study-about'), settings: $('#study-settings'), dataset: $('#study-dataset'), command: $('#study-command') },
    () => changed(),
  );
  const sweepForm = new SweepForm({ preset: $('#preset'), about: $('#preset-about'), form: $('#sweep-form'), grid: $('#grid') }, () => changed());
  let explorerArgs: Record<string, unknown> = initial.dataset;
  const explorer = new Explorer(
    {
      sliders: $('#sliders'),
      shuffle: $('#shuffle'),
      templates: $('#templates'),
      examples: $('#examples'),
      pipeline: $('#pipeline'),
      pipelineClass: $('#pipeline-class'),
      status: $('#data-status'),
      reset: $('#reset-data'),
    },
    (args) => {
      explorerArgs = args;
      saveUrl();
    },
  );
  let explorerStarted: Promise<void> | undefined;
  new Embedding({ run: $('#embed'), shuffled: $('#embed-shuffled'), canvas: $('#embedding'), status: $('#embed-status') }, () => explorer.args());

  /** What Run runs now: the chosen study's tasks or the free sweep's grid. */
  function currentPlan(): PagePlan {
    if (tab === 'sweep') {
      let grid: unknown;
      try {
        grid = JSON.parse(sweepForm.gridText());
      } catch (error) {
        throw new Error(`the grid JSON is not valid JSON: ${(error as Error).message}`);
      }
      return sweepPlan(grid);
    }
    return studyPlan(getStudy(studyPanel.current.name), studyPanel.settings());
  }

  let curves = new LearningCurves([]);

  /** Draws the figures and the summary from the records at hand (and the live curves). */
  function drawResults(plan: PagePlan, records: (StoredRecord | undefined)[]): Promise<void> {
    const done = records.filter((r): r is StoredRecord => !!r);
    const width = figures.width;
    const specs = [...plan.figures(done, width), ...(curves.size ? [{ name: 'learning-curves', spec: curves.spec(width) }] : [])];
    const markdown = plan.summary(done);
    ui.summary.replaceChildren(markdown ? renderMarkdown(markdown) : 'No finished runs yet: the summary appears as runs finish.');
    $('#summary-panel').hidden = tab !== 'study';
    return figures.show(specs);
  }

  /** Shows the current plan with what IndexedDB holds for it. */
  async function showPlan(): Promise<void> {
    const plan = currentPlan();
    const state = await planState(plan);
    const labels = plan.labels(state.prepared);
    curves = new LearningCurves(labels);
    state.records.forEach((r, i) => curves.setHistory(i, (r as Partial<RunRecord> | undefined)?.history));
    view.show(labels, state.records);
    const stored = state.records.filter(Boolean).length;
    ui.run.textContent = stored === 0 ? `Run ${labels.length} runs` : stored < labels.length ? `Resume (${stored} of ${labels.length} stored)` : `All ${labels.length} runs stored`;
    await showStoreStatus(stored);
    await drawResults(plan, state.records);
  }

  async function showStoreStatus(ofPlan: number): Promise<void> {
    ui.storeStatus.textContent = `${await countRecords()} runs stored in this browser (IndexedDB); ${ofPlan} belong to this ${tab === 'study' ? 'study' : 'sweep'}.`;
  }

  function changed(): void {
    saveUrl();
    if (running || tab === 'data') return;
    shown = shown
      .then(() => showPlan())
      .then(
        () => say(''),
        (error: Error) => say(error.message, true),
      );
  }

  function pageState(): PageState {
    const choice = studyPanel.choice();
    let grid: unknown;
    try {
      grid = JSON.parse(sweepForm.gridText());
    } catch {
      grid = undefined;
    }
    return { tab, study: choice.study, quick: choice.quick, set: choice.set, grid, workers: Number(ui.workers.value) || undefined, dataset: explorerArgs };
  }

  function saveUrl(): void {
    writeState(pageState());
  }

  function showTab(next: Tab): void {
    tab = next;
    for (const button of ui.tabs) {
      const selected = button.dataset.tab === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    $('#study-panel').hidden = tab !== 'study';
    $('#sweep-panel').hidden = tab !== 'sweep';
    $('#data-panel').hidden = tab !== 'data';
    for (const id of ['#run-panel', '#figures-panel', '#results-panel']) $(id).hidden = tab === 'data';
    $('#summary-panel').hidden = tab !== 'study';
    if (tab === 'data') explorerStarted ??= explorer.start(explorerArgs);
    changed();
  }

  function showWorkersNote(): void {
    const cores = navigator.hardwareConcurrency || 1;
    const n = Number(ui.workers.value);
    ui.workersNote.textContent =
      n > cores ? `${n} workers on ${cores} logical cores: runs share cores, each runs slower and the sweep is no faster.` : `this browser reports ${cores} logical cores; at most ${MAX_WORKERS} workers.`;
  }

  async function run(): Promise<StoredRecord[]> {
    if (running) throw new Error('a sweep is already running');
    const workers = Number(ui.workers.value);
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new Error(`workers must be an integer from 1 to ${MAX_WORKERS}, got ${ui.workers.value || 'nothing'}`);
    await shown;
    const plan = currentPlan();
    const controller = (running = new AbortController());
    ui.run.disabled = true;
    ui.stop.disabled = false;
    localStorage.setItem(RUNNING_KEY, location.search);
    let records: (StoredRecord | undefined)[] = [];
    let redraw: ReturnType<typeof setTimeout> | undefined;
    const scheduleRedraw = () => (redraw ??= setTimeout(() => ((redraw = undefined), void drawResults(plan, records)), 300));
    try {
      const result = await runPlan(plan, {
        workers,
        signal: controller.signal,
        onWaiting: () => say('another tab is running a sweep: waiting for it, then running only what is still missing'),
        onStart: (state) => {
          records = [...state.records];
          const labels = plan.labels(state.prepared);
          curves = new LearningCurves(labels);
          records.forEach((r, i) => curves.setHistory(i, (r as Partial<RunRecord> | undefined)?.history));
          view.show(labels, records);
          const pending = new Map(state.prepared.flatMap((task, i) => (records[i] ? [] : [[i, plannedSteps(task)] as const])));
          view.start(pending);
          const stored = records.length - pending.size;
          window.mnist1d.lastRun = { ran: 0, stored };
          say(pending.size ? `running ${pending.size} runs on ${Math.min(workers, pending.size)} worker(s)` + (stored ? `; ${stored} were stored and are not run again` : '') : 'every run is stored already');
        },
        onEvent: (event: SweepEvent) => {
          view.handle(event);
          if (event.type === 'run-start') curves.clear(event.index);
          if (event.type === 'run-progress' && event.progress.point) (curves.add(event.index, event.progress.point), scheduleRedraw());
          if (event.type === 'run-end') {
            records[event.index] = event.record as StoredRecord;
            curves.setHistory(event.index, (event.record as Partial<RunRecord>).history);
            window.mnist1d.lastRun!.ran++;
            scheduleRedraw();
            void showStoreStatus(records.filter(Boolean).length);
          }
        },
      });
      records = result.records;
      window.mnist1d.datasets = result.datasets;
      say(`done: ${result.ran} runs trained, ${result.records.length - result.ran} were stored`);
      return result.records;
    } finally {
      clearTimeout(redraw);
      localStorage.removeItem(RUNNING_KEY);
      running = undefined;
      ui.run.disabled = false;
      ui.stop.disabled = true;
      await drawResults(plan, records);
      shown = showPlan().catch((error: Error) => say(error.message, true));
    }
  }

  function runFromButton(): void {
    run().catch((error: Error & { code?: string; name?: string }) => {
      const stopped = error.code === 'ABORTED' || error.name === 'AbortError';
      say(stopped ? 'stopped: finished runs are stored; the others are left not run' : error.message, !stopped);
    });
  }

  // Controls
  for (const button of ui.tabs) {
    button.addEventListener('click', () => showTab(button.dataset.tab as Tab));
    button.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = ui.tabs[(ui.tabs.indexOf(button) + step + ui.tabs.length) % ui.tabs.length];
      next.focus();
      showTab(next.dataset.tab as Tab);
    });
  }
  ui.workers.max = String(MAX_WORKERS);
  ui.workers.value = String(Math.min(initial.workers ?? (navigator.hardwareConcurrency || 1), MAX_WORKERS));
  ui.workers.addEventListener('input', () => (showWorkersNote(), saveUrl()));
  showWorkersNote();
  ui.run.addEventListener('click', runFromButton);
  ui.stop.addEventListener('click', () => running?.abort());
  const planRecords = async () => (await planState(currentPlan())).records.filter((r): r is StoredRecord => !!r);
  $('#download-jsonl').addEventListener('click', async () => download('results.jsonl', recordsJsonl(await planRecords()), 'application/x-ndjson'));
  $('#download-csv').addEventListener('click', async () => download('results.csv', recordsCsv(await planRecords()), 'text/csv'));
  $<HTMLInputElement>('#import').addEventListener('change', async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const count = await importResults(await file.text());
      changed();
      await shown; // showing the plan clears the message line
      say(`imported ${count} records from ${file.name}`);
    } catch (error) {
      say(`${file.name}: ${(error as Error).message}`, true);
    }
  });
  $('#clear').addEventListener('click', async () => {
    if (running) return say('stop the sweep first', true);
    await clearRecords();
    changed();
  });

  // Initial state, from the URL
  studyPanel.choose({ study: initial.study ?? 'spatial-priors', quick: initial.quick, set: initial.set });
  if (initial.grid !== undefined) sweepForm.showGrid(initial.grid);
  else sweepForm.showGrid(sweepForm.formGrid());

  window.mnist1d = {
    runSweep: async (grid, workers) => {
      if (workers) ui.workers.value = String(workers);
      sweepForm.showGrid(grid);
      showTab('sweep');
      return (await run()) as unknown as RunRecord[];
    },
    datasets: [],
    records: async () => (await planState(currentPlan())).records,
    lastRun: null,
    figureRenders: figures.renders,
    explorer,
    ready: async () => {
      await explorerStarted;
      await shown;
    },
  };
  showTab(tab);
  if (localStorage.getItem(RUNNING_KEY) === location.search) runFromButton(); // a reload in the middle of a run resumes it
}

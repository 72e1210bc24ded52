// The page: pick or paste a sweep grid, run it over a pool of Web Workers
// (src/sweep/browser-pool.ts), watch every worker, read the results. For automation
// it exposes window.mnist1d.runSweep(grid, workers) -> the sweep's RunRecords.
import { taskKinds } from '../src/experiments/task-kinds.js';
import { expandGrid } from '../src/sweep/grid.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { RunRecord } from '../src/train/types.js';
import { runLabels } from './labels.js';
import { presets } from './presets.js';
import { SweepView } from './view.js';
import { WatchedExecutor, type DatasetDelivery } from './watched-executor.js';

// Imported the way sweep.ts imports it (dynamically), so the bundler keeps one chunk for both.
const { createBrowserPool, defaultWorkerCount } = await import('../src/sweep/browser-pool.js');

declare global {
  interface Window {
    mnist1d: {
      /** Runs `grid` (the `mnist1d sweep --grid` format) on `workers` Web Workers. */
      runSweep(grid: unknown, workers?: number): Promise<RunRecord[]>;
      /** How the datasets of the last sweep reached the workers. */
      datasets: DatasetDelivery[];
    };
  }
}

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const ui = {
  isolation: $('#isolation'),
  preset: $<HTMLSelectElement>('#preset'),
  presetAbout: $('#preset-about'),
  grid: $<HTMLTextAreaElement>('#grid'),
  workers: $<HTMLInputElement>('#workers'),
  run: $<HTMLButtonElement>('#run'),
  stop: $<HTMLButtonElement>('#stop'),
  download: $<HTMLButtonElement>('#download'),
  message: $('#message'),
  overall: $('#overall'),
  overallBar: $<HTMLProgressElement>('#overall-bar'),
  lanes: $<HTMLOListElement>('#lanes'),
  results: $<HTMLTableSectionElement>('#results tbody'),
};

let running: AbortController | undefined;
let finished: RunRecord[] = [];

function say(text: string, isError = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', isError);
}

function showIsolation(datasets: DatasetDelivery[] = []): void {
  const shared = datasets.filter((d) => d.shared);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  let text = crossOriginIsolated
    ? 'cross-origin isolated: each dataset is one SharedArrayBuffer read by every worker'
    : 'not cross-origin isolated: each worker receives its own transferred copy of the dataset';
  if (datasets.length) {
    text += shared.length === datasets.length
      ? ` · last sweep: ${datasets.length} shared dataset(s), ${mb(datasets.reduce((s, d) => s + d.bytes, 0))}`
      : ` · last sweep: ${datasets.length} dataset(s) copied to each worker`;
  }
  ui.isolation.textContent = text;
  ui.isolation.classList.toggle('shared', crossOriginIsolated);
}

/** Runs a sweep with the page showing its progress; one sweep at a time. */
async function sweep(grid: unknown, workers: number): Promise<RunRecord[]> {
  if (running) throw new Error('a sweep is already running');
  const configs = expandGrid(grid);
  const controller = (running = new AbortController());
  const view = new SweepView(ui, runLabels(configs));
  let executor: WatchedExecutor | undefined;
  finished = [];
  ui.run.disabled = true;
  ui.stop.disabled = false;
  ui.download.disabled = true;
  try {
    executor = new WatchedExecutor(await createBrowserPool({ kinds: taskKinds, size: Math.min(workers, configs.length) }));
    say(`running ${configs.length} runs on ${executor.concurrency} worker(s)…`);
    const { records } = await runSweep<RunRecord>(configs, {
      executor,
      signal: controller.signal,
      onEvent: (event) => {
        view.handle(event);
        if (event.type === 'run-end') finished.push(event.record as unknown as RunRecord);
      },
    });
    finished = records;
    say(`done: ${records.length} runs`);
    return records;
  } finally {
    await executor?.close();
    window.mnist1d.datasets = [...(executor?.datasets.values() ?? [])];
    showIsolation(window.mnist1d.datasets);
    running = undefined;
    ui.run.disabled = false;
    ui.stop.disabled = true;
    ui.download.disabled = finished.length === 0;
  }
}

function choosePreset(id: string): void {
  const preset = presets.find((p) => p.id === id) ?? presets[0];
  ui.preset.value = preset.id;
  ui.presetAbout.textContent = preset.about;
  ui.grid.value = JSON.stringify(preset.grid, null, 2);
}

function download(): void {
  const lines = finished.map((record) => JSON.stringify(record) + '\n');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(lines, { type: 'application/x-ndjson' }));
  link.download = 'results.jsonl';
  link.click();
  URL.revokeObjectURL(link.href);
}

ui.preset.append(...presets.map((p) => new Option(p.title, p.id)));
ui.preset.addEventListener('change', () => choosePreset(ui.preset.value));
choosePreset(presets[0].id);
ui.workers.value = String(defaultWorkerCount());
showIsolation();

ui.run.addEventListener('click', () => {
  let grid: unknown;
  try {
    grid = JSON.parse(ui.grid.value);
  } catch (error) {
    say(`the grid is not valid JSON: ${(error as Error).message}`, true);
    return;
  }
  const workers = Number(ui.workers.value);
  if (!Number.isInteger(workers) || workers < 1) {
    say(`workers must be an integer >= 1, got ${ui.workers.value || 'nothing'}`, true);
    return;
  }
  sweep(grid, workers).catch((error: Error & { code?: string }) =>
    say(error.code === 'ABORTED' ? `stopped: ${finished.length} runs finished` : error.message, error.code !== 'ABORTED'),
  );
});
ui.stop.addEventListener('click', () => running?.abort());
ui.download.addEventListener('click', download);

window.mnist1d = {
  runSweep: (grid, workers = defaultWorkerCount()) => sweep(grid, workers),
  datasets: [],
};

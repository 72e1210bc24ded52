// The dataset explorer: the 10 templates, a page of training examples per class,
// the generation of one example step by step, and a slider for every generator argument. Each move regenerates the dataset in
// the generator wasm (the exact generator Node uses) and redraws; the time of the
// last regeneration + redraw is shown and kept for the benchmark.
import { defaultDatasetArgs, parseDatasetArgs } from '../../src/data/args.js';
import { loadGenerator, type Generator } from '../../src/data/generator.js';
import type { Dataset, DatasetArgs } from '../../src/data/types.js';
import { CLASS_COLOURS, drawSmallMultiples, type Cell } from './line-plots.js';
import { pipelineCells } from './pipeline.js';

/** One slider per numeric argument: [arg (padding as padding.0/1), min, max, step]. */
const SLIDERS: [arg: string, min: number, max: number, step: number][] = [
  ['numSamples', 100, 20000, 100],
  ['trainSplit', 0.1, 0.95, 0.05],
  ['templateLen', 4, 40, 1],
  ['padding.0', 0, 120, 1],
  ['padding.1', 0, 160, 1],
  ['scaleCoeff', 0, 1.5, 0.05],
  ['maxTranslation', 1, 120, 1],
  ['corrNoiseScale', 0, 1, 0.01],
  ['iidNoiseScale', 0, 0.3, 0.005],
  ['shearScale', 0, 2, 0.05],
  ['finalSeqLength', 10, 200, 1],
  ['seed', 0, 200, 1],
  ['labelNoise', 0, 0.5, 0.01],
];
const EXAMPLES_PER_CLASS = 8;

interface Examples {
  index: number[];
  labels: number[];
  rows: number[][];
}

export interface ExplorerApi {
  /** The arguments the explorer shows (full, validated). */
  args(): DatasetArgs;
  /** Sets arguments (as sliders would) and redraws; returns the time that took (ms). */
  set(args: Partial<DatasetArgs>): number;
  /** The plotted examples, class by class: training indices, labels and values. */
  plotted(): Examples;
  /** The generation steps of the chosen class's example, as plotted (template first, final example last). */
  pipeline(): number[][];
  lastRedrawMs: number;
}

export class Explorer implements ExplorerApi {
  private current: DatasetArgs = defaultDatasetArgs();
  private generator: Generator | undefined;
  private shown: Examples = { index: [], labels: [], rows: [] };
  private templateCells: Cell[] = [];
  private pipelineCells: Cell[] = [];
  private readonly inputs = new Map<string, HTMLInputElement>();
  lastRedrawMs = 0;

  constructor(
    private readonly ui: {
      sliders: HTMLElement;
      shuffle: HTMLInputElement;
      templates: HTMLCanvasElement;
      examples: HTMLCanvasElement;
      pipeline: HTMLCanvasElement;
      pipelineClass: HTMLSelectElement;
      status: HTMLElement;
      reset: HTMLButtonElement;
    },
    private readonly onChange: (changed: Record<string, unknown>) => void,
  ) {
    for (const [arg, min, max, step] of SLIDERS) ui.sliders.append(this.slider(arg, min, max, step));
    ui.shuffle.addEventListener('change', () => this.fromControls());
    ui.reset.addEventListener('click', () => this.set(defaultDatasetArgs()));
    ui.pipelineClass.append(...Array.from({ length: 10 }, (_, c) => new Option(String(c), String(c))));
    ui.pipelineClass.addEventListener('change', () => this.redraw());
  }

  async start(args: Record<string, unknown>): Promise<void> {
    this.generator = await loadGenerator();
    try {
      this.current = parseDatasetArgs({ ...defaultDatasetArgs(), ...args });
    } catch (error) {
      this.ui.status.textContent = `${(error as Error).message}; showing the defaults`;
    }
    this.showControls();
    this.redraw();
    new ResizeObserver(() => this.draw()).observe(this.ui.examples.parentElement!);
  }

  args(): DatasetArgs {
    return structuredClone(this.current);
  }

  set(args: Partial<DatasetArgs>): number {
    this.current = parseDatasetArgs({ ...this.current, ...args });
    this.showControls();
    return this.redraw();
  }

  plotted() {
    return structuredClone(this.shown);
  }

  pipeline() {
    return this.pipelineCells.map((cell) => Array.from(cell.values));
  }

  private fromControls(): void {
    const read = (arg: string) => Number(this.inputs.get(arg)!.value);
    const lo = read('padding.0');
    const hi = Math.max(lo, read('padding.1'));
    const next: Record<string, unknown> = { shuffleSeq: this.ui.shuffle.checked, padding: [lo, hi] };
    for (const [arg] of SLIDERS) if (!arg.startsWith('padding.')) next[arg] = read(arg);
    try {
      this.current = parseDatasetArgs(next);
      this.redraw();
    } catch (error) {
      this.ui.status.textContent = (error as Error).message;
    }
    this.showValues();
  }

  /** Regenerates and draws; returns the time both took (ms). */
  private redraw(): number {
    const started = performance.now();
    const data = this.generator!.makeTransient(this.current);
    const [nTrain, nTest] = [data.y.length, data.yTest.length];
    this.shown = pickExamples(data);
    this.templateCells = Array.from({ length: 10 }, (_, c) => ({ values: data.templates.x.slice(c * 12, c * 12 + 12), colour: CLASS_COLOURS[c], label: String(c) }));
    const label = Number(this.ui.pipelineClass.value);
    this.pipelineCells = pipelineCells(this.generator!, this.current, label, CLASS_COLOURS[label]); // reuses the generator: `data` is stale from here
    this.draw();
    this.lastRedrawMs = performance.now() - started;
    this.ui.status.textContent = `${nTrain + nTest} examples (${nTrain} train) of length ${this.current.finalSeqLength}, generated and drawn in ${this.lastRedrawMs.toFixed(1)} ms`;
    this.onChange(this.changedArgs());
    return this.lastRedrawMs;
  }

  private draw(): void {
    const narrow = this.ui.templates.parentElement!.clientWidth < 480;
    drawSmallMultiples(this.ui.templates, this.templateCells, narrow ? 5 : 10, 54);
    drawSmallMultiples(this.ui.pipeline, this.pipelineCells, narrow ? 2 : 4, 80);
    const examples: Cell[] = this.shown.rows.map((values, i) => {
      const label = this.shown.labels[i];
      return { values, colour: CLASS_COLOURS[label], label: label !== this.shown.labels[i - 1] ? String(label) : undefined };
    });
    drawSmallMultiples(this.ui.examples, examples, EXAMPLES_PER_CLASS, 40);
  }

  private changedArgs(): Record<string, unknown> {
    const defaults = defaultDatasetArgs() as unknown as Record<string, unknown>;
    return Object.fromEntries(Object.entries(this.current).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key])));
  }

  private slider(arg: string, min: number, max: number, step: number): HTMLElement {
    const label = document.createElement('label');
    label.className = 'slider';
    const name = document.createElement('span');
    name.textContent = arg === 'padding.0' ? 'padding (low)' : arg === 'padding.1' ? 'padding (high)' : arg;
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', min: String(min), max: String(max), step: String(step), name: arg });
    const value = document.createElement('output');
    input.addEventListener('input', () => this.fromControls());
    this.inputs.set(arg, input);
    label.append(name, input, value);
    return label;
  }

  private showControls(): void {
    for (const [arg, input] of this.inputs) {
      const value = arg.startsWith('padding.') ? this.current.padding[Number(arg.slice(8))] : (this.current as unknown as Record<string, number>)[arg];
      input.value = String(value);
    }
    this.ui.shuffle.checked = this.current.shuffleSeq;
    this.showValues();
  }

  private showValues(): void {
    for (const [arg, input] of this.inputs) {
      const value = arg.startsWith('padding.') ? this.current.padding[Number(arg.slice(8))] : (this.current as unknown as Record<string, number>)[arg];
      (input.nextElementSibling as HTMLOutputElement).value = String(value);
    }
  }
}

/** The first EXAMPLES_PER_CLASS training examples of each class (fewer where a class has fewer), copied out. */
function pickExamples(data: Dataset): Examples {
  const F = data.args.finalSeqLength;
  const index: number[] = [];
  for (let c = 0; c < 10; c++) {
    let found = 0;
    for (let i = 0; i < data.y.length && found < EXAMPLES_PER_CLASS; i++) if (data.y[i] === c) (index.push(i), found++);
  }
  return { index, labels: index.map((i) => data.y[i]), rows: index.map((i) => Array.from(data.x.subarray(i * F, (i + 1) * F))) };
}

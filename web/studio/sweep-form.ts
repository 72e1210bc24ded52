// A free sweep's form: models, width, optimizer, lr, steps, batch size, seeds and
// dataset arguments, each a value or a comma list. It writes the grid
// (`mnist1d sweep --grid` format) into the JSON box, which always shows what will
// run; a list of more than one value becomes an axis, one value goes to `base`.
// Editing the JSON by hand makes it the source until the form is touched again.
import { MODEL_DEFAULTS } from '../../src/models/presets.js';
import { MODEL_NAMES, OPTIMIZERS } from '../../src/train/config.js';
import { parseSetValue } from '../../src/experiments/settings.js';
import { parseRunConfig } from '../../src/train/config.js';
import { presets } from './presets.js';

type Json = Record<string, unknown>;

/** The form's fields: grid field -> label and initial text (lists comma-separated). */
const FIELDS: [field: string, label: string, initial: string][] = [
  ['size', 'width (hidden units / channels)', ''],
  ['lr', 'lr', '0.01'],
  ['steps', 'steps', '1500'],
  ['batchSize', 'batch size', '100'],
  ['seed', 'seeds', '42'],
  ['evalEvery', 'evaluate every', '250'],
  ['dataset.numSamples', 'dataset: samples', '5000'],
  ['dataset.labelNoise', 'dataset: label noise', '0'],
  ['dataset.seed', 'dataset: seed', '42'],
];
const CHOICES: [field: string, options: readonly string[], initial: string[]][] = [
  ['model', MODEL_NAMES, ['mlp']],
  ['optimizer', OPTIMIZERS, ['adam']],
];

export class SweepForm {
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly boxes = new Map<string, HTMLInputElement[]>();

  constructor(
    private readonly ui: { preset: HTMLSelectElement; about: HTMLElement; form: HTMLElement; grid: HTMLTextAreaElement },
    private readonly onChange: () => void,
  ) {
    ui.preset.append(new Option('Custom (the form below)', 'custom'), ...presets.map((p) => new Option(p.title, p.id)));
    ui.preset.addEventListener('change', () => this.usePreset(ui.preset.value));
    for (const [field, options, initial] of CHOICES) ui.form.append(this.choiceGroup(field, options, initial));
    for (const [field, label, initial] of FIELDS) ui.form.append(this.textField(field, label, initial));
    ui.grid.addEventListener('input', () => {
      this.forgetPreset();
      this.onChange();
    });
  }

  /** The grid JSON as the box holds it (what Run runs). */
  gridText(): string {
    return this.ui.grid.value;
  }

  /**
   * Shows a grid (from the URL or a preset): the box holds it as given, and the
   * form shows its values where it can; fields the form has no control for are named.
   */
  showGrid(grid: unknown, presetId = 'custom'): void {
    this.ui.grid.value = JSON.stringify(grid, null, 2);
    this.ui.preset.value = presetId;
    const missing = this.loadForm(grid);
    const about = presets.find((p) => p.id === presetId)?.about ?? '';
    this.ui.about.textContent = missing.length ? `${about} The form has no control for ${missing.join(', ')}: the grid JSON below is what runs.`.trim() : about;
    this.onChange();
  }

  /** Puts a {base, axes} grid's values into the controls; returns the fields it could not show. */
  private loadForm(grid: unknown): string[] {
    const { base = {}, axes = {}, ...other } = (grid ?? {}) as { base?: Json; axes?: Json };
    const { dataset = {}, ...own } = base as Json & { dataset?: Json };
    const values = new Map<string, unknown[]>();
    for (const [field, value] of [...Object.entries(own), ...Object.entries(dataset as Json).map(([k, v]) => [`dataset.${k}`, v] as const), ...Object.entries(axes)]) {
      values.set(field === 'hidden' || field === 'channels' ? 'size' : field, Array.isArray(value) && field in axes ? value : [value]);
    }
    const shown = new Set<string>();
    for (const [field, boxes] of this.boxes) {
      const chosen = values.get(field);
      if (chosen) for (const box of boxes) box.checked = chosen.includes(box.value);
      shown.add(field);
    }
    for (const [field, input] of this.inputs) {
      const chosen = values.get(field) ?? defaultValue(field);
      input.value = chosen.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
      shown.add(field);
    }
    return [...Object.keys(other), ...[...values.keys()].filter((field) => !shown.has(field))];
  }

  /** The grid the form describes; throws naming the field when a value cannot be used. */
  formGrid(): Json {
    const base: Json = {};
    const axes: Json = {};
    const put = (field: string, values: unknown[]) => {
      if (values.length === 0) return;
      if (values.length > 1) axes[field] = values;
      else if (field.startsWith('dataset.')) ((base.dataset as Json | undefined) ?? (base.dataset = {}) as Json)[field.slice(8)] = values[0];
      else base[field] = values[0];
    };
    const models = this.checked('model');
    if (!models.length) throw new Error('pick at least one model');
    put('model', models);
    put('optimizer', this.checked('optimizer'));
    for (const [field] of FIELDS) {
      const values = this.values(field);
      if (field !== 'size') put(field, values);
      else if (values.length) put(sizeField(models), values);
    }
    return Object.keys(axes).length ? { base, axes } : { base, runs: [{}] };
  }

  private usePreset(id: string): void {
    const preset = presets.find((p) => p.id === id);
    if (preset) this.showGrid(preset.grid, id);
    else this.fromForm();
  }

  private fromForm(): void {
    try {
      this.showGrid(this.formGrid());
    } catch (error) {
      this.ui.about.textContent = (error as Error).message;
      this.onChange();
    }
  }

  private forgetPreset(): void {
    this.ui.preset.value = 'custom';
    this.ui.about.textContent = '';
  }

  private checked(field: string): string[] {
    return (this.boxes.get(field) ?? []).filter((box) => box.checked).map((box) => box.value);
  }

  private values(field: string): unknown[] {
    const text = this.inputs.get(field)!.value.trim();
    if (!text) return [];
    const value = parseSetValue(text);
    return Array.isArray(value) ? value : [value];
  }

  private choiceGroup(field: string, options: readonly string[], initial: string[]): HTMLElement {
    const group = document.createElement('fieldset');
    group.className = 'choices';
    const legend = document.createElement('legend');
    legend.textContent = field;
    group.append(legend);
    this.boxes.set(
      field,
      options.map((option) => {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.name = field;
        box.value = option;
        box.checked = initial.includes(option);
        box.addEventListener('change', () => this.fromForm());
        label.append(box, option);
        group.append(label);
        return box;
      }),
    );
    return group;
  }

  private textField(field: string, text: string, initial: string): HTMLElement {
    const label = document.createElement('label');
    label.className = 'setting';
    const name = document.createElement('span');
    name.textContent = text;
    const input = document.createElement('input');
    input.type = 'text';
    input.name = field;
    input.value = initial;
    input.spellcheck = false;
    input.size = 10;
    input.placeholder = field === 'size' ? 'model default' : '';
    input.title = 'one value, or a comma list to sweep';
    input.addEventListener('input', () => this.fromForm());
    this.inputs.set(field, input);
    label.append(name, input);
    return label;
  }
}

/** A field's value in a run config that does not set it: [] for the model's own width. */
function defaultValue(field: string): unknown[] {
  if (field === 'size') return [];
  const config = parseRunConfig({ model: 'linear' }) as unknown as Json & { dataset: Json };
  return [field.startsWith('dataset.') ? config.dataset[field.slice(8)] : config[field]];
}

/** `hidden` or `channels`, whichever every chosen model takes; an error otherwise. */
function sizeField(models: string[]): string {
  for (const field of ['hidden', 'channels'] as const) {
    if (models.every((m) => field in MODEL_DEFAULTS[m as keyof typeof MODEL_DEFAULTS])) return field;
  }
  throw new Error(`width: models ${models.join(', ')} do not share a size field (hidden: mlp, mlp3, gru; channels: cnn, convpool); pick models of one kind or leave width empty`);
}

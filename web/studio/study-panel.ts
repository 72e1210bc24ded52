// The study picker: every `mnist1d run` study with its settings as form controls.
// The controls show the settings the CLI would use (defaults, then --quick), and
// what the user changes becomes `--set key=value` pairs resolved by the CLI's own
// resolveSettings, so the page runs exactly what `mnist1d run <study> ...` runs.
import { studies, getStudy, resolveSettings, settingKeys } from '../../src/experiments/index.js';
import type { AnyStudy } from '../../src/experiments/index.js';
import { defaultDatasetArgs } from '../../src/data/args.js';
import { PAPER_URL, studyNotes } from './study-notes.js';

export interface StudyChoice {
  study: string;
  quick: boolean;
  /** `key=value` overrides, as `--set` takes them. */
  set: string[];
}

/** A setting's value as the form shows it: lists comma-separated, strings bare. */
function settingText(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class StudyPanel {
  private study: AnyStudy = studies[0];
  private base = new Map<string, string>();
  private controls = new Map<string, HTMLInputElement>();

  constructor(
    private readonly ui: { select: HTMLSelectElement; quick: HTMLInputElement; about: HTMLElement; settings: HTMLElement; dataset: HTMLElement; command: HTMLElement },
    private readonly onChange: () => void,
  ) {
    ui.select.append(...studies.map((s) => new Option(s.title, s.name)));
    ui.select.addEventListener('change', () => this.choose({ study: ui.select.value, quick: ui.quick.checked, set: [] }));
    ui.quick.addEventListener('change', () => this.choose({ ...this.choice(), quick: ui.quick.checked }));
  }

  get current(): AnyStudy {
    return this.study;
  }

  /** Shows a study with the given quick flag and overrides (an unknown study falls back to the first). */
  choose(choice: StudyChoice): void {
    this.study = studies.find((s) => s.name === choice.study) ?? studies[0];
    this.ui.select.value = this.study.name;
    this.ui.quick.checked = choice.quick;
    const base = resolveSettings(this.study, { quick: choice.quick }) as Record<string, unknown> & { dataset: Record<string, unknown> };
    const datasetDefaults = { ...defaultDatasetArgs(), ...base.dataset } as Record<string, unknown>;
    this.base = new Map(settingKeys(this.study).map((key) => [key, settingText(key.startsWith('dataset.') ? datasetDefaults[key.slice(8)] : base[key])]));
    const overrides = new Map(choice.set.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    this.controls = new Map();
    this.ui.settings.replaceChildren(...[...this.base].filter(([k]) => !k.startsWith('dataset.')).map(([key, text]) => this.control(key, overrides.get(key) ?? text)));
    this.ui.dataset.replaceChildren(...[...this.base].filter(([k]) => k.startsWith('dataset.')).map(([key, text]) => this.control(key, overrides.get(key) ?? text)));
    const note = studyNotes[this.study.name];
    this.ui.about.replaceChildren(
      this.study.about + ' ',
      ...(note ? [paragraph(`The paper (${note.where}): ${note.paper}`, PAPER_URL)] : []),
    );
    this.changed();
  }

  /** The study, quick flag and the overrides that differ from defaults + quick. */
  choice(): StudyChoice {
    const set = [...this.controls].flatMap(([key, input]) => {
      const text = input.type === 'checkbox' ? String(input.checked) : input.value.trim();
      return text === this.base.get(key) ? [] : [`${key}=${text}`];
    });
    return { study: this.study.name, quick: this.ui.quick.checked, set };
  }

  /** The study's settings resolved as the CLI resolves them; throws a ConfigError naming a bad field. */
  settings(): object {
    const { quick, set } = this.choice();
    return resolveSettings(getStudy(this.study.name), { quick, set });
  }

  /** The CLI command that runs the same study. */
  command(): string {
    const { study, quick, set } = this.choice();
    return ['mnist1d run', study, ...(quick ? ['--quick'] : []), ...set.map((pair) => `--set '${pair}'`)].join(' ');
  }

  private changed(): void {
    this.ui.command.textContent = this.command();
    this.onChange();
  }

  private control(key: string, text: string): HTMLElement {
    const label = document.createElement('label');
    label.className = 'setting';
    const name = document.createElement('span');
    name.textContent = key.replace(/^dataset\./, '');
    const input = document.createElement('input');
    input.name = key;
    const boolean = text === 'true' || text === 'false';
    if (boolean) {
      input.type = 'checkbox';
      input.checked = text === 'true';
    } else {
      input.type = 'text';
      input.value = text;
      input.spellcheck = false;
      input.size = Math.min(24, Math.max(4, text.length + 1));
    }
    input.title = `default: ${this.base.get(key)}`;
    input.addEventListener(boolean ? 'change' : 'input', () => this.changed());
    this.controls.set(key, input);
    label.append(name, input);
    return label;
  }
}

function paragraph(text: string, link: string): HTMLElement {
  const p = document.createElement('span');
  p.append(text + ' ');
  const a = document.createElement('a');
  a.href = link;
  a.textContent = 'Read the paper';
  a.target = '_blank';
  a.rel = 'noopener';
  p.append(a, '.');
  return p;
}

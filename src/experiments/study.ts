// What a study preset is: settings (defaults, --quick, --set), the sweep tasks
// those settings expand to, and what its records mean (a markdown summary with
// the measured effect, and Vega-Lite figures). Pure: runs in Node and browsers.
import type { SweepTask, TaskRecord } from '../sweep/task.js';
import type { Figure } from '../plot/spec.js';
import type { BaseSettings, SettingsSource } from './settings.js';

/** Numbers a study measures from its records (checked by tests, quoted in docs). */
export type Effects = Record<string, number | boolean | string | null>;

export interface StudySummary {
  /** The markdown report: tables, the measured effect in words and numbers. */
  markdown: string;
  effects: Effects;
}

export interface Study<S extends BaseSettings = BaseSettings> extends SettingsSource<S> {
  name: string;
  title: string;
  /** One paragraph: what the study shows. */
  about: string;
  tasks(settings: S): SweepTask[];
  /** Summarises the finished records of this study (failed ones are listed, not measured). */
  summarize(records: readonly TaskRecord[]): StudySummary;
  figures(records: readonly TaskRecord[]): Figure[];
}

/** A study with its settings type erased, as the registry and the CLI hold it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStudy = Study<any>;

// Validates what a sweep is given and keys it. A run's key is the hash of the
// canonical JSON of its fully-defaulted config (RunConfig defaults, and the dataset
// args with every default filled in), so `{}` and the explicit defaults share a key.
import { defaultDatasetArgs, parseDatasetArgs } from '../data/args.js';
import type { DatasetArgs } from '../data/types.js';
import { ConfigError } from '../schema.js';
import { parseRunConfig } from '../train/config.js';
import type { RunConfig } from '../train/types.js';
import { canonicalJson, hashKey } from './canonical.js';
import type { SweepTask } from './task.js';

/** A validated task with its key. */
export interface KeyedTask extends SweepTask {
  key: string;
}

/** parseRunConfig, then the dataset args fully defaulted. */
export function fullRunConfig(input: unknown, where = ''): RunConfig {
  const config = parseRunConfig(input, where);
  return { ...config, dataset: parseDatasetArgs(config.dataset, join(where, 'dataset')) };
}

/** The stable key of a run config (16 hex digits). */
export function runKey(config: unknown): string {
  return hashKey(fullRunConfig(config));
}

/** A 'train' task for one run config. */
export function trainTask(config: unknown, where = ''): KeyedTask {
  const full = fullRunConfig(config, where);
  return { key: hashKey(full), kind: 'train', config: full, datasets: [full.dataset as DatasetArgs] };
}

/**
 * Validates a sweep's input: run configs (`runs[i]` in errors) or tasks
 * `{kind, config, datasets}` (`tasks[i]`). Two entries with one key are an error.
 * A 'train' task's dataset is its config's; other kinds validate their own config
 * in the worker.
 */
export function normalizeTasks(input: readonly unknown[]): KeyedTask[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new ConfigError(`a sweep needs a non-empty array of run configs or tasks, got ${describeValue(input)}`, 'runs');
  }
  const tasks = input.map((item, i) => (isTask(item) ? keyedTask(item, `tasks[${i}]`) : trainTask(item, `runs[${i}]`)));
  rejectRepeats(
    tasks.map((task) => task.key),
    (i) => `${isTask(input[i]) ? 'tasks' : 'runs'}[${i}]`,
  );
  return tasks;
}

/** Throws when two entries share a key, naming both: "runs[2] is the same run as runs[0] ...". */
export function rejectRepeats(keys: readonly string[], name: (index: number) => string): void {
  const seen = new Map<string, number>();
  keys.forEach((key, i) => {
    const first = seen.get(key);
    if (first !== undefined) throw new ConfigError(`${name(i)} is the same run as ${name(first)} (identical once defaults are filled in)`, name(i));
    seen.set(key, i);
  });
}

function isTask(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null && 'kind' in item;
}

function keyedTask(item: Record<string, unknown>, where: string): KeyedTask {
  const { kind, config, datasets = [], ...rest } = item;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new ConfigError(`unknown field ${unknown.map((k) => `${where}.${k}`).join(', ')} (a task has kind, config, datasets)`, `${where}.${unknown[0]}`);
  if (typeof kind !== 'string' || !kind) throw new ConfigError(`${where}.kind must be a non-empty string, got ${describeValue(kind)}`, `${where}.kind`);
  if (kind === 'train') return trainTask(config, `${where}.config`);
  if (!Array.isArray(datasets)) throw new ConfigError(`${where}.datasets must be an array of dataset args, got ${describeValue(datasets)}`, `${where}.datasets`);
  const args = datasets.map((d, j) => parseDatasetArgs(d, `${where}.datasets[${j}]`));
  return { key: hashKey({ kind, config, datasets: args }), kind, config, datasets: args };
}

/** A short label for progress displays, e.g. "mlp h=100 adam lr=0.01 seed=1 labelNoise=0.15". */
export function describeTask(task: { kind: string; config: unknown }): string {
  if (task.kind !== 'train') {
    // other kinds: the kind, then the config's word-valued fields and its seed
    const config = (task.config ?? {}) as Record<string, unknown>;
    const words = Object.values(config).filter((v): v is string => typeof v === 'string');
    return [task.kind, ...words, ...(typeof config.seed === 'number' ? [`seed=${config.seed}`] : [])].join(' ');
  }
  const c = task.config as RunConfig;
  const parts: string[] = [c.model];
  if (c.hidden !== undefined) parts.push(`h=${c.hidden}`);
  if (c.channels !== undefined) parts.push(`c=${c.channels}`);
  if (c.pool !== undefined) parts.push(c.pool);
  parts.push(c.optimizer, `lr=${c.lr}`, `seed=${c.seed}`);
  const defaults = defaultDatasetArgs() as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(c.dataset)) {
    if (canonicalJson(value) !== canonicalJson(defaults[field])) parts.push(`${field}=${canonicalJson(value)}`);
  }
  return parts.join(' ');
}

function join(where: string, field: string): string {
  return where ? `${where}.${field}` : field;
}

/** A value as errors show it: JSON, shortened. */
export function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

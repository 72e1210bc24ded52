// Validates what a sweep is given and keys it, through the kinds' own declarations
// (task-kind.ts). A task of the plain kind is keyed by the hash of the canonical JSON
// of its parsed config, so `{}` and the explicit defaults share a key; any other
// task by the hash of {kind, config, datasets}.
import { parseDatasetArgs } from '../data/args.js';
import type { KernelSizes } from '../models/compile.js';
import { ConfigError } from '../schema.js';
import { parseRunConfig } from '../train/config.js';
import type { RunConfig } from '../train/types.js';
import { hashKey } from './canonical.js';
import { kindNamed, type TaskKinds } from './task-kind.js';
import type { PreparedTask } from './task.js';

/** The stable key of a run config (16 hex digits). */
export function runKey(config: unknown): string {
  return hashKey(parseRunConfig(config));
}

/**
 * Validates a sweep's input: bare configs of the plain kind (`runs[i]` in errors) or
 * tasks `{kind, config, datasets}` (`tasks[i]`). Two entries with one key are an error.
 * With `kernels`, every task is also checked to fit in an engine's memory (TaskKind.checkMemory).
 */
export function normalizeTasks(input: readonly unknown[], kinds: TaskKinds, kernels?: KernelSizes): PreparedTask[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new ConfigError(`a sweep needs a non-empty array of run configs or tasks, got ${describeValue(input)}`, 'runs');
  }
  const tasks = input.map((item, i) =>
    isTask(item) ? taskEntry(item, `tasks[${i}]`, kinds, kernels) : keyedTask(kinds, kinds.plain, item, [], `runs[${i}]`, `runs[${i}]`, kernels),
  );
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

function taskEntry(item: Record<string, unknown>, where: string, kinds: TaskKinds, kernels?: KernelSizes): PreparedTask {
  const { kind, config, datasets = [], ...rest } = item;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new ConfigError(`unknown field ${unknown.map((k) => `${where}.${k}`).join(', ')} (a task has kind, config, datasets)`, `${where}.${unknown[0]}`);
  if (typeof kind !== 'string' || !kind) throw new ConfigError(`${where}.kind must be a non-empty string, got ${describeValue(kind)}`, `${where}.kind`);
  if (!Array.isArray(datasets)) throw new ConfigError(`${where}.datasets must be an array of dataset args, got ${describeValue(datasets)}`, `${where}.datasets`);
  const listed = datasets.map((d, j) => parseDatasetArgs(d, `${where}.datasets[${j}]`));
  return keyedTask(kinds, kind, config, listed, where, `${where}.config`, kernels);
}

/** A task of kind `name`: its config parsed, its datasets resolved, its key. */
function keyedTask(
  kinds: TaskKinds, name: string, input: unknown, listed: PreparedTask['datasets'], where: string, configWhere: string, kernels?: KernelSizes,
): PreparedTask {
  const kind = kindNamed(kinds, name, join(where, 'kind'));
  const config: unknown = kind.parseConfig(input, configWhere);
  if (kernels) kind.checkMemory?.(config, kernels, configWhere);
  const datasets = kind.datasets(config, listed, join(where, 'datasets'));
  const key = name === kinds.plain ? hashKey(config) : hashKey({ kind: name, config, datasets });
  return { key, kind: name, config, datasets };
}

/** A short label for progress displays, e.g. "mlp h=100 adam lr=0.01 seed=1 labelNoise=0.15". */
export function describeTask(task: { kind: string; config: unknown }, kinds: TaskKinds): string {
  const describe = kinds.kinds[task.kind]?.describe;
  if (describe) return describe(task.config);
  // the kind, then the config's word-valued fields and its seed
  const config = (task.config ?? {}) as Record<string, unknown>;
  const words = Object.values(config).filter((v): v is string => typeof v === 'string');
  return [task.kind, ...words, ...(typeof config.seed === 'number' ? [`seed=${config.seed}`] : [])].join(' ');
}

function join(where: string, field: string): string {
  return where ? `${where}.${field}` : field;
}

/** A value as errors show it: JSON, shortened. */
export function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

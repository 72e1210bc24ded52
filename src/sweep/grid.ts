// Sweep grids, as in a grid file:
//   {"base": {...}, "axes": {"hidden": [10, 20], "dataset.labelNoise": [0, 0.15]}}
//     the cartesian product of the axes (first axis outermost) over the base;
//   {"base": {...}, "runs": [{...}, ...]}   (base optional)
//     an explicit list, each run merged over the base.
// A run config uses the camelCase train flags and nests dataset args under
// `dataset`; an axis may name a dataset arg as `dataset.<arg>`. Every run is
// validated before any work starts, and an error names the entry that is wrong:
// "runs[3].lr must be a number > 0, got -1", "axes.hidden[1] must be ...".
// A grid has at most `maxRuns` runs (a grid field; MAX_GRID_RUNS by default, at
// most MAX_GRID_RUNS_LIMIT), counted before anything is expanded. Expansion and
// validation take time linear in the number of runs (repeats are found by hash).
import type { KernelSizes } from '../models/compile.js';
import { ConfigError } from '../schema.js';
import { checkRunMemory } from '../train/memory.js';
import type { RunConfig } from '../train/types.js';
import { canonicalJson, hashKey } from './canonical.js';
import { checkBatchSize, parseRunConfig } from '../train/config.js';
import { describeValue, rejectRepeats } from './normalize.js';

type Json = Record<string, unknown>;

/** Runs a grid may have unless it sets "maxRuns". */
export const MAX_GRID_RUNS = 100_000;
/**
 * The largest "maxRuns". A sweep holds every run's config twice (the grid's and
 * its task's) and its record in memory, a few KB per run: this many runs stay
 * within Node's default heap (see the README, Reliability).
 */
export const MAX_GRID_RUNS_LIMIT = 500_000;
/** Grids of at least this many runs report progress every this many runs. */
export const GRID_PROGRESS_EVERY = 10_000;

export interface ExpandOptions {
  /** Called with (runs validated, total) every GRID_PROGRESS_EVERY runs of a large grid, and at the end. */
  onProgress?: (validated: number, total: number) => void;
  /** The engine's scratch sizing (engineKernelSizes()): with it, every run is checked to fit in an engine's memory. */
  kernels?: KernelSizes;
}

/** The fully-defaulted run configs of a grid, in order. */
export function expandGrid(grid: unknown, options: ExpandOptions = {}): RunConfig[] {
  if (!isObject(grid)) throw new ConfigError(`a grid must be an object with "axes" or "runs", got ${describeValue(grid)}`, 'grid');
  const extra = Object.keys(grid).filter((k) => !['base', 'axes', 'runs', 'maxRuns'].includes(k));
  if (extra.length) throw new ConfigError(`unknown field ${extra.join(', ')} in the grid (a grid has base, axes or runs, and maxRuns)`, extra[0]);
  const base = grid.base ?? {};
  if (!isObject(base)) throw new ConfigError(`base must be an object (a run config), got ${describeValue(base)}`, 'base');
  if ((grid.axes === undefined) === (grid.runs === undefined)) {
    throw new ConfigError('a grid must have exactly one of "axes" (a cartesian grid) or "runs" (a list of run configs)', 'grid');
  }
  const maxRuns = parseMaxRuns(grid.maxRuns);
  const entries = grid.axes !== undefined ? axesEntries(base, grid.axes) : runsEntries(base, grid.runs);
  if (entries.count > maxRuns) {
    throw new ConfigError(
      `the grid has ${entries.count} runs (${entries.shape}), more than maxRuns = ${maxRuns}: split it into smaller grids, or raise "maxRuns" in the grid (at most ${MAX_GRID_RUNS_LIMIT})`,
      'maxRuns',
    );
  }
  const report = entries.count >= GRID_PROGRESS_EVERY ? options.onProgress : undefined;
  const configs: RunConfig[] = [];
  const keys: string[] = [];
  for (let i = 0; i < entries.count; i++) {
    const entry = entries.at(i);
    const config = withWhere(entry, () => {
      const parsed = parseRunConfig(entry.config);
      checkBatchSize(parsed);
      if (options.kernels) checkRunMemory(parsed, options.kernels);
      return parsed;
    });
    configs.push(config);
    keys.push(hashKey(config));
    if ((i + 1) % GRID_PROGRESS_EVERY === 0 || i + 1 === entries.count) report?.(i + 1, entries.count);
  }
  rejectRepeats(keys, (i) => entries.at(i).name);
  return configs;
}

function parseMaxRuns(value: unknown): number {
  if (value === undefined) return MAX_GRID_RUNS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_GRID_RUNS_LIMIT) {
    throw new ConfigError(`maxRuns must be an integer >= 1 and <= ${MAX_GRID_RUNS_LIMIT}, got ${describeValue(value)}`, 'maxRuns');
  }
  return value;
}

/** The runs of a grid, made one at a time (a large grid is never held twice). */
interface Entries {
  count: number;
  /** How errors describe the size: "100 x 100 axes.hidden x axes.seed" or "runs". */
  shape: string;
  at(index: number): Entry;
}

interface Entry {
  config: Json;
  /** How errors name this run as a whole. */
  name: string;
  /** How errors name one of its fields: where in the grid that field was set. */
  where: (field: string) => string;
}

function runsEntries(base: Json, runs: unknown): Entries {
  if (!Array.isArray(runs) || runs.length === 0) throw new ConfigError(`runs must be a non-empty array of run configs, got ${describeValue(runs)}`, 'runs');
  return {
    count: runs.length,
    shape: `${runs.length} entries of runs`,
    at: (i) => {
      const run: unknown = runs[i];
      if (!isObject(run)) throw new ConfigError(`runs[${i}] must be an object (a run config), got ${describeValue(run)}`, `runs[${i}]`);
      return {
        config: merge(base, run),
        name: `runs[${i}]`,
        where: (field) => (!hasPath(run, field) && hasPath(base, field) ? `base.${field}` : `runs[${i}].${field}`),
      };
    },
  };
}

function axesEntries(base: Json, axes: unknown): Entries {
  if (!isObject(axes) || Object.keys(axes).length === 0) {
    throw new ConfigError(`axes must be an object of field -> non-empty array of values, got ${describeValue(axes)}`, 'axes');
  }
  const names = Object.keys(axes);
  const values = names.map((name) => axisValues(name, axes[name]));
  // Run i's choice on axis k is digit k of i in the mixed radix of the axis lengths, first axis most significant.
  const count = values.reduce((n, v) => n * v.length, 1);
  return {
    count,
    shape: `${values.map((v) => v.length).join(' x ')} values of ${names.map((name) => `axes.${name}`).join(' x ')}`,
    at: (i) => {
      const choice = new Array<number>(names.length);
      for (let k = names.length - 1, rest = i; k >= 0; k--) {
        choice[k] = rest % values[k].length;
        rest = Math.floor(rest / values[k].length);
      }
      let config = base;
      names.forEach((name, k) => (config = setPath(config, name, values[k][choice[k]])));
      return {
        config,
        name: `the run with ${names.map((name, k) => `${name}=${canonicalJson(values[k][choice[k]])}`).join(', ')}`,
        where: (field) => {
          const k = names.findIndex((name) => field === name || field.startsWith(name + '.'));
          return k >= 0 ? `axes.${names[k]}[${choice[k]}]${field.slice(names[k].length)}` : `base.${field}`;
        },
      };
    },
  };
}

/** An axis' values, checked: a non-empty array without repeats, on a run config field or dataset.<arg>. */
function axisValues(name: string, values: unknown): unknown[] {
  if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`axes.${name} must be a non-empty array of values, got ${describeValue(values)}`, `axes.${name}`);
  if (name.split('.').length > (name.startsWith('dataset.') ? 2 : 1)) {
    throw new ConfigError(`axes.${name}: an axis is a run config field or dataset.<arg>`, `axes.${name}`);
  }
  const first = new Map<string, number>();
  values.forEach((value, j) => {
    const text = canonicalJson(value);
    const seen = first.get(text);
    if (seen !== undefined) throw new ConfigError(`axes.${name}[${j}] repeats axes.${name}[${seen}] (${text})`, `axes.${name}[${j}]`);
    first.set(text, j);
  });
  return values;
}

/** Runs `parse`, renaming the field of a ConfigError to the grid entry it came from. */
function withWhere<T>(entry: Entry, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const field = error.field?.split(', ')[0] ?? '';
    if (!field) throw new ConfigError(`${entry.name}: ${error.message}`, entry.name);
    throw new ConfigError(error.message.replace(field, entry.where(field)), entry.where(field));
  }
}

/** base with run's fields on top; the `dataset` objects are merged too. */
function merge(base: Json, run: Json): Json {
  const merged = { ...base, ...run };
  if (isObject(base.dataset) && isObject(run.dataset)) merged.dataset = { ...base.dataset, ...run.dataset };
  return merged;
}

/** A copy of `config` with the dotted `path` ('hidden', 'dataset.labelNoise') set. */
function setPath(config: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split('.');
  if (!rest.length) return { ...config, [head]: value };
  const inner = isObject(config[head]) ? (config[head] as Json) : {};
  return { ...config, [head]: setPath(inner, rest.join('.'), value) };
}

function hasPath(value: unknown, path: string): boolean {
  let node = value;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Json)[part];
  }
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Sweep grids, as in a grid file:
//   {"base": {...}, "axes": {"hidden": [10, 20], "dataset.labelNoise": [0, 0.15]}}
//     the cartesian product of the axes (first axis outermost) over the base;
//   {"base": {...}, "runs": [{...}, ...]}   (base optional)
//     an explicit list, each run merged over the base.
// A run config uses the camelCase train flags and nests dataset args under
// `dataset`; an axis may name a dataset arg as `dataset.<arg>`. Every run is
// validated before any work starts, and an error names the entry that is wrong:
// "runs[3].lr must be a number > 0, got -1", "axes.hidden[1] must be ...".
import { ConfigError } from '../schema.js';
import type { RunConfig } from '../train/types.js';
import { canonicalJson, hashKey } from './canonical.js';
import { describeValue, fullRunConfig, rejectRepeats } from './normalize.js';

type Json = Record<string, unknown>;

/** The fully-defaulted run configs of a grid, in order. */
export function expandGrid(grid: unknown): RunConfig[] {
  if (!isObject(grid)) throw new ConfigError(`a grid must be an object with "axes" or "runs", got ${describeValue(grid)}`, 'grid');
  const extra = Object.keys(grid).filter((k) => !['base', 'axes', 'runs'].includes(k));
  if (extra.length) throw new ConfigError(`unknown field ${extra.join(', ')} in the grid (a grid has base, and axes or runs)`, extra[0]);
  const base = grid.base ?? {};
  if (!isObject(base)) throw new ConfigError(`base must be an object (a run config), got ${describeValue(base)}`, 'base');
  if ((grid.axes === undefined) === (grid.runs === undefined)) {
    throw new ConfigError('a grid must have exactly one of "axes" (a cartesian grid) or "runs" (a list of run configs)', 'grid');
  }
  const entries = grid.axes !== undefined ? expandAxes(base, grid.axes) : expandRuns(base, grid.runs);
  const configs = entries.map((entry) => withWhere(entry, () => fullRunConfig(entry.config)));
  rejectRepeats(
    configs.map((config) => hashKey(config)),
    (i) => entries[i].name,
  );
  return configs;
}

interface Entry {
  config: Json;
  /** How errors name this run as a whole. */
  name: string;
  /** How errors name one of its fields: where in the grid that field was set. */
  where: (field: string) => string;
}

function expandRuns(base: Json, runs: unknown): Entry[] {
  if (!Array.isArray(runs) || runs.length === 0) throw new ConfigError(`runs must be a non-empty array of run configs, got ${describeValue(runs)}`, 'runs');
  return runs.map((run, i) => {
    if (!isObject(run)) throw new ConfigError(`runs[${i}] must be an object (a run config), got ${describeValue(run)}`, `runs[${i}]`);
    return {
      config: merge(base, run),
      name: `runs[${i}]`,
      where: (field) => (!hasPath(run, field) && hasPath(base, field) ? `base.${field}` : `runs[${i}].${field}`),
    };
  });
}

function expandAxes(base: Json, axes: unknown): Entry[] {
  if (!isObject(axes) || Object.keys(axes).length === 0) {
    throw new ConfigError(`axes must be an object of field -> non-empty array of values, got ${describeValue(axes)}`, 'axes');
  }
  const names = Object.keys(axes);
  for (const name of names) {
    const values = axes[name];
    if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`axes.${name} must be a non-empty array of values, got ${describeValue(values)}`, `axes.${name}`);
    if (name.split('.').length > (name.startsWith('dataset.') ? 2 : 1)) {
      throw new ConfigError(`axes.${name}: an axis is a run config field or dataset.<arg>`, `axes.${name}`);
    }
    const seen = values.map((v) => canonicalJson(v));
    seen.forEach((text, j) => {
      const first = seen.indexOf(text);
      if (first < j) throw new ConfigError(`axes.${name}[${j}] repeats axes.${name}[${first}] (${text})`, `axes.${name}[${j}]`);
    });
  }
  // Cartesian product, first axis outermost: choice[k] indexes axes[names[k]].
  let choices: number[][] = [[]];
  for (const name of names) choices = choices.flatMap((c) => (axes[name] as unknown[]).map((_, j) => [...c, j]));
  return choices.map((choice) => {
    let config = base;
    names.forEach((name, k) => (config = setPath(config, name, (axes[name] as unknown[])[choice[k]])));
    return {
      config,
      name: `the run with ${names.map((name, k) => `${name}=${canonicalJson((axes[name] as unknown[])[choice[k]])}`).join(', ')}`,
      where: (field) => {
        const k = names.findIndex((name) => field === name || field.startsWith(name + '.'));
        return k >= 0 ? `axes.${names[k]}[${choice[k]}]${field.slice(names[k].length)}` : `base.${field}`;
      },
    };
  });
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

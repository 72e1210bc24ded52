// Validation at the edges: one zod schema per config type, built from these
// helpers so that every error names the field, the value and what is allowed,
// e.g. "maxTranslation must be an integer >= 1, got 0".
import { z } from 'zod';

/** A bad argument, flag, config entry or grid. `field` is the dotted path. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function bounds(min?: number, max?: number, exclusiveMin = false): string {
  const lo = min === undefined ? '' : `${exclusiveMin ? '>' : '>='} ${min}`;
  const hi = max === undefined ? '' : `<= ${max}`;
  return [lo, hi].filter(Boolean).join(' and ');
}

/** An integer in [min, max]. */
export function integer(opts: { min?: number; max?: number } = {}) {
  const allowed = ['an integer', bounds(opts.min, opts.max)].filter(Boolean).join(' ');
  return z.number({ error: `must be ${allowed}` }).refine(
    (v) => Number.isInteger(v) && (opts.min === undefined || v >= opts.min) && (opts.max === undefined || v <= opts.max),
    { error: `must be ${allowed}` },
  );
}

/** A finite number in [min, max] (or (min, max] with exclusiveMin). */
export function finite(opts: { min?: number; max?: number; exclusiveMin?: boolean } = {}) {
  const range = bounds(opts.min, opts.max, opts.exclusiveMin);
  const allowed = range ? `a number ${range}` : 'a finite number';
  return z.number({ error: `must be ${allowed}` }).refine(
    (v) =>
      Number.isFinite(v) &&
      (opts.min === undefined || (opts.exclusiveMin ? v > opts.min : v >= opts.min)) &&
      (opts.max === undefined || v <= opts.max),
    { error: `must be ${allowed}` },
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export function boolean() {
  return z.boolean({ error: 'must be true or false' });
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value); // NaN and Infinity, which JSON shows as null
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  } catch {
    return String(value);
  }
}

/**
 * How errors name a field: a prefix for its dotted path ("runs[2]" names seed
 * "runs[2].seed"), or a function from the dotted path to the name the user wrote
 * (a CLI flag: "dataset.seed" -> "--dataset-seed").
 */
export type FieldNames = string | ((path: string) => string);

/** The name of the field at dotted `path` ('' for the whole value). */
export function fieldName(names: FieldNames, path: string): string {
  return typeof names === 'function' ? names(path) : [names, path].filter(Boolean).join('.');
}

/** The names of the fields inside the field `sub`. */
export function nestedNames(names: FieldNames, sub: string): FieldNames {
  return typeof names === 'function' ? (path) => names([sub, path].filter(Boolean).join('.')) : fieldName(names, sub);
}

/**
 * Parses `value` with `schema`, throwing a ConfigError for the first problem:
 * "<field name> <what is allowed>, got <value>", the field named by `where`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, where: FieldNames = ''): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => fieldName(where, [path, k].filter(Boolean).join('.'))).join(', ');
    throw new ConfigError(`unknown field ${keys}`, keys);
  }
  const name = fieldName(where, path);
  const subject = name || 'value';
  const message = issue.code === 'invalid_type' && issue.input === undefined ? `${subject} is required (${issue.message})` : `${subject} ${issue.message}, got ${formatValue(issue.input)}`;
  throw new ConfigError(message, name);
}

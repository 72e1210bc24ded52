// A study's settings: its defaults, the --quick preset, and `--set key=value`
// overrides. Every value is validated with the study's schema, so an error
// names the key, the value and what is allowed. Pure (no Node APIs).
import { z } from 'zod';
import { ConfigError, finite, integer, parseConfig } from '../schema.js';
import { defaultDatasetArgs, parseDatasetArgs } from '../data/args.js';
import type { DatasetArgs } from '../data/types.js';

/** Every study's settings carry dataset overrides, set with `--set dataset.<arg>=value`. */
export interface BaseSettings {
  dataset: Partial<DatasetArgs>;
}

/** What settings resolution needs from a study. */
export interface SettingsSource<S extends BaseSettings> {
  name: string;
  schema: z.ZodType<S>;
  defaults: S;
  quick: Partial<S>;
}

/** Schema of the `dataset` overrides: any subset of the dataset args (checked in full by parseDatasetArgs). */
export const datasetOverrides = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Partial<DatasetArgs>>;

/** The plain-training settings of the studies whose runs train a fixed number of Adam steps. */
export interface StepSettings extends BaseSettings {
  steps: number;
  evalEvery: number;
  lr: number;
  batchSize: number;
  seed: number;
}

/** The run-config fields StepSettings fix: Adam, batches in order, the settings' steps, lr, batch, evaluation and seed. */
export function stepRunFields(s: StepSettings) {
  return { optimizer: 'adam', lr: s.lr, batchSize: s.batchSize, steps: s.steps, batchOrder: 'sequential', evalEvery: s.evalEvery, seed: s.seed } as const;
}

/** Schema fields of StepSettings, to spread into a study's schema. */
export const stepSettingsFields = {
  steps: integer({ min: 1 }),
  evalEvery: integer({ min: 0 }),
  lr: finite({ min: 0, exclusiveMin: true }),
  batchSize: integer({ min: 1 }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
  dataset: datasetOverrides,
};

/**
 * Parses one `--set` value: JSON when it parses (`5`, `0.15`, `true`, `[2,3]`,
 * `"max"`), else a comma list whose items are JSON or bare strings (`2,4,8`,
 * `max,avg`), else the bare string.
 */
export function parseSetValue(text: string): unknown {
  const json = tryJson(text);
  if (json.ok) return json.value;
  if (text.includes(',')) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => {
        const parsed = tryJson(item);
        return parsed.ok ? parsed.value : item;
      });
  }
  return text.trim();
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Splits `key=value` strings into [key, parsed value] pairs, in order. */
export function parseSetPairs(pairs: readonly string[]): [string, unknown][] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (!key) throw new ConfigError(`--set expects key=value, got ${JSON.stringify(pair)}`, '--set');
    return [key, parseSetValue(pair.slice(eq + 1))];
  });
}

/** The keys `--set` accepts for a study: its settings plus dataset.<arg>. */
export function settingKeys<S extends BaseSettings>(study: SettingsSource<S>): string[] {
  const own = Object.keys(study.defaults).filter((k) => k !== 'dataset');
  return [...own, ...Object.keys(defaultDatasetArgs()).map((k) => `dataset.${k}`)];
}

/**
 * The settings of one invocation: defaults, then the quick preset (if asked),
 * then each `--set` override. A scalar given where the default is a list
 * becomes a one-item list (`--set seeds=7`).
 */
export function resolveSettings<S extends BaseSettings>(
  study: SettingsSource<S>,
  options: { quick?: boolean; set?: readonly string[] } = {},
): S {
  const merged = { ...structuredClone(study.defaults) } as Record<string, unknown>;
  if (options.quick) Object.assign(merged, structuredClone(study.quick));
  const dataset: Record<string, unknown> = { ...(merged.dataset as object) };
  const datasetArgs = Object.keys(defaultDatasetArgs());
  for (const [key, value] of parseSetPairs(options.set ?? [])) {
    if (key.startsWith('dataset.')) {
      const arg = key.slice('dataset.'.length);
      if (!datasetArgs.includes(arg)) throw unknownKey(study, key);
      dataset[arg] = value;
    } else if (key === 'dataset' || !(key in study.defaults)) {
      throw unknownKey(study, key);
    } else {
      const wantsList = Array.isArray((study.defaults as Record<string, unknown>)[key]);
      merged[key] = wantsList && !Array.isArray(value) ? [value] : value;
    }
  }
  merged.dataset = dataset;
  const settings = parseConfig(study.schema, merged, '') as S;
  // Validates the dataset overrides now, so a bad dataset.<arg> fails before any run starts.
  parseDatasetArgs(settings.dataset, 'dataset');
  return settings;
}

function unknownKey<S extends BaseSettings>(study: SettingsSource<S>, key: string): ConfigError {
  return new ConfigError(
    `unknown setting ${JSON.stringify(key)} for study ${study.name}; allowed: ${settingKeys(study).join(', ')}`,
    key,
  );
}

/** numpy.linspace(start, stop, n) (n >= 2 includes both ends). */
export function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + i * step));
}

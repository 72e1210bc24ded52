// Short names for the runs of a sweep: only the config fields that vary across
// its runs, e.g. "model=mlp seed=2 hidden=100" (dataset fields as
// "dataset.labelNoise=0.1"); a field a run does not have (linear has no hidden) is left out.
import type { RunConfig } from '../../src/train/types.js';

/** A config's fields as text, dataset args as `dataset.<arg>`. */
export function flatten(config: RunConfig): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (key === 'dataset' && value && typeof value === 'object') {
      for (const [sub, v] of Object.entries(value)) fields.set(`dataset.${sub}`, JSON.stringify(v));
    } else {
      fields.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return fields;
}

/** The fields whose values differ across the configs, in first-seen order. */
export function varyingFields(flat: readonly Map<string, string>[]): string[] {
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))];
  return keys.filter((k) => new Set(flat.map((f) => f.get(k))).size > 1);
}

/** One label per config, in order; "run 1", "run 2", ... when nothing varies. */
export function runLabels(configs: RunConfig[]): string[] {
  const flat = configs.map(flatten);
  const varying = varyingFields(flat);
  return flat.map(
    (f, i) =>
      varying
        .filter((k) => f.has(k))
        .map((k) => `${k}=${f.get(k)}`)
        .join(' ') || `run ${i + 1}`,
  );
}

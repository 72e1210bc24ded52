// The 'train' task kind: one training run of a run config, on the dataset its
// config names (`config.dataset`, fully defaulted). It is the plain kind of the
// standard registry (task-kinds.ts): a bare run config in a sweep is a 'train' task.
import { defaultDatasetArgs } from '../data/args.js';
import type { DatasetArgs } from '../data/types.js';
import { ConfigError } from '../schema.js';
import { canonicalJson } from '../sweep/canonical.js';
import { checkBatchSize, parseRunConfig } from '../train/config.js';
import type { TaskKind } from '../sweep/task-kind.js';
import type { TaskRecord } from '../sweep/task.js';
import { runCost } from '../train/cost.js';
import { checkRunMemory } from '../train/memory.js';
import { trainOnData } from '../train/run.js';
import type { RunConfig, RunRecord } from '../train/types.js';

export const trainKind: TaskKind<RunConfig> = {
  parseConfig(config, where) {
    const parsed = parseRunConfig(config, where);
    checkBatchSize(parsed, where); // the run trains on its config's dataset
    return parsed;
  },
  datasets(config, listed, where) {
    if (listed.length) throw new ConfigError(`${where} must be empty: a run trains on its config's "dataset", got ${listed.length} dataset(s)`, where);
    return [config.dataset as DatasetArgs];
  },
  checkMemory: (config, kernels, where) => checkRunMemory(config, kernels, where),
  cost: (config) => runCost(config),
  run: (engine, [data], config, onProgress) => trainOnData(engine, data, config, onProgress) as unknown as TaskRecord,
  failedRecord: (config, reason, wallSeconds) => {
    const record: RunRecord = { config, status: 'failed', reason, train_loss: null, train_acc: null, test_loss: null, test_acc: null, steps: 0, wall_s: wallSeconds, steps_per_s: 0, history: [] };
    return record as unknown as TaskRecord;
  },
  describe: describeRun,
};

/**
 * "mlp h=100 adam lr=0.01 seed=1 shuffled labelNoise=0.15": the model, its optimizer and
 * seed, the spatial shuffle, and the dataset args off their defaults (those named like a
 * run config field as dataset.<arg>: "seed=42 dataset.seed=43").
 */
function describeRun(c: RunConfig): string {
  const parts: string[] = [c.model];
  if (c.hidden !== undefined) parts.push(`h=${c.hidden}`);
  if (c.channels !== undefined) parts.push(`c=${c.channels}`);
  if (c.pool !== undefined) parts.push(c.pool);
  parts.push(c.optimizer, `lr=${c.lr}`, `seed=${c.seed}`);
  if (c.shuffleSeq) parts.push('shuffled');
  const defaults = defaultDatasetArgs() as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(c.dataset)) {
    const name = Object.hasOwn(c, field) ? `dataset.${field}` : field;
    if (canonicalJson(value) !== canonicalJson(defaults[field])) parts.push(`${name}=${canonicalJson(value)}`);
  }
  return parts.join(' ');
}

// The run config: one strict schema with the paper's defaults (Adam 1e-2, batch 100,
// 6000 steps, evaluation every 250, sequential batches, seed 42), per-model defaults
// (hidden, channels, pool), and the model spec a config describes.
import { z } from 'zod';
import { generatedCount, parseDatasetArgs, trainCount } from '../data/args.js';
import { MODEL_DEFAULTS, POOL_KINDS, cnnModel, convPoolModel, gruModel, linearModel, mlp3Model, mlpModel, type ModelSizes } from '../models/presets.js';
import type { ModelSpec } from '../models/spec.js';
import { ConfigError, boolean, fieldName, finite, integer, nestedNames, oneOf, parseConfig, type FieldNames } from '../schema.js';
import { OPTIMIZERS } from './optimizers.js';
import type { ModelName, RunConfig } from './types.js';

export const MODEL_NAMES = ['linear', 'mlp', 'cnn', 'gru', 'mlp3', 'convpool'] as const;
export { OPTIMIZERS, POOL_KINDS };
export const BATCH_ORDERS = ['sequential', 'shuffle'] as const;
/** Steps when neither steps nor epochs is given (the paper's 6000). */
export const DEFAULT_STEPS = 6000;
/** The momentum a config holds when it gives none; only sgd uses it. */
export const DEFAULT_MOMENTUM = 0.9;
/** The optimizers that use the momentum field. */
const MOMENTUM_OPTIMIZERS: readonly string[] = ['sgd'];

/** Whether `optimizer` uses the momentum field. */
export function usesMomentum(optimizer: string): boolean {
  return MOMENTUM_OPTIMIZERS.includes(optimizer);
}

/** Which models take which size fields, and their defaults. */
const MODEL_FIELDS: Record<ModelName, ModelSizes> = MODEL_DEFAULTS;

const schema = z.strictObject({
  model: oneOf(MODEL_NAMES),
  hidden: integer({ min: 1, max: 4096 }).optional(),
  channels: integer({ min: 1, max: 1024 }).optional(),
  pool: oneOf(POOL_KINDS).optional(),
  optimizer: oneOf(OPTIMIZERS).default('adam'),
  lr: finite({ min: 0, exclusiveMin: true }).default(1e-2),
  momentum: finite({ min: 0, max: 1 }).default(DEFAULT_MOMENTUM),
  weightDecay: finite({ min: 0 }).default(0),
  batchSize: integer({ min: 1, max: 65536 }).default(100),
  steps: integer({ min: 0, max: 1e9 }).optional(),
  epochs: integer({ min: 1, max: 1e7 }).optional(),
  batchOrder: oneOf(BATCH_ORDERS).default('sequential'),
  evalEvery: integer({ min: 0, max: 1e9 }).default(250),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }).default(42),
  shuffleSeq: boolean().default(false),
  dataset: z.record(z.string(), z.unknown(), { error: 'must be an object of dataset args' }).default({}),
});

/**
 * Validates a run config and fills in the defaults. Exactly one of steps / epochs
 * (6000 steps when neither); hidden / channels / pool only for the models that take them;
 * momentum other than its default only for sgd (the others do not use it: a parsed config
 * holds the default, so it is accepted back).
 * Errors name the fields as `where` says (a path prefix, or e.g. the CLI's flags).
 */
export function parseRunConfig(input: unknown, where: FieldNames = ''): RunConfig {
  const config = parseConfig(schema, input, where);
  const at = (field: string) => fieldName(where, field);
  if (config.steps !== undefined && config.epochs !== undefined) {
    throw new ConfigError(`${at('steps')} and ${at('epochs')} are exclusive: give one, got ${at('steps')} ${config.steps} and ${at('epochs')} ${config.epochs}`, at('steps'));
  }
  const sizes = MODEL_FIELDS[config.model];
  for (const field of ['hidden', 'channels', 'pool'] as const) {
    if (config[field] !== undefined && sizes[field] === undefined) {
      const takers = MODEL_NAMES.filter((m) => MODEL_FIELDS[m][field] !== undefined).join(', ');
      throw new ConfigError(`${at(field)} does not apply to model ${config.model} (only to ${takers}), got ${JSON.stringify(config[field])}`, at(field));
    }
  }
  if (config.momentum !== DEFAULT_MOMENTUM && !usesMomentum(config.optimizer)) {
    throw new ConfigError(
      `${at('momentum')} applies to ${at('optimizer')} ${MOMENTUM_OPTIMIZERS.join(', ')} only; ${config.optimizer} does not use it: leave it out, got ${at('momentum')} ${config.momentum}`,
      at('momentum'),
    );
  }
  const dataset = parseDatasetArgs(config.dataset, nestedNames(where, 'dataset'));
  const { steps, epochs, hidden, channels, pool, ...rest } = config;
  return {
    ...rest,
    ...(sizes.hidden !== undefined && { hidden: hidden ?? sizes.hidden }),
    ...(sizes.channels !== undefined && { channels: channels ?? sizes.channels }),
    ...(sizes.pool !== undefined && { pool: pool ?? sizes.pool }),
    ...(epochs !== undefined ? { epochs } : { steps: steps ?? DEFAULT_STEPS }),
    dataset, // complete and frozen: the dataset code trusts it without checking again
  };
}

/**
 * Throws unless a batch fits in the training set that the config's dataset args make
 * (a larger batch would wrap around it); for runs that train on their config's dataset.
 */
export function checkBatchSize(config: RunConfig, where: FieldNames = ''): void {
  const dataset = parseDatasetArgs(config.dataset, nestedNames(where, 'dataset'));
  const nTrain = trainCount(dataset);
  if (config.batchSize <= nTrain) return;
  const at = (field: string) => fieldName(where, field);
  throw new ConfigError(
    `${at('batchSize')} must be at most the training set's ${nTrain} examples (${at('dataset.numSamples')} ${generatedCount(dataset)} * ${at('dataset.trainSplit')} ${dataset.trainSplit}), got ${config.batchSize}`,
    at('batchSize'),
  );
}

/** The model a config describes, for inputs of `features` positions. */
export function modelFromConfig(config: RunConfig, features = config.dataset.finalSeqLength ?? 40): ModelSpec {
  switch (config.model) {
    case 'linear':
      return linearModel(features);
    case 'mlp':
      return mlpModel(config.hidden, features);
    case 'mlp3':
      return mlp3Model(config.hidden, features);
    case 'gru':
      return gruModel(config.hidden, true, features);
    case 'cnn':
      return cnnModel(config.channels, features);
    case 'convpool':
      return convPoolModel(config.pool, config.channels, features);
  }
}

/** Training steps of a run on nTrain examples: steps, or epochs of ceil(nTrain / batchSize) batches. */
export function totalSteps(config: RunConfig, nTrain: number): number {
  if (config.steps !== undefined) return config.steps;
  return (config.epochs ?? 0) * Math.ceil(nTrain / config.batchSize);
}

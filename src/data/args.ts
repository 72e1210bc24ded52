// DatasetArgs: the paper's defaults, one strict schema, and the reference's
// snake_case form (args.json). Validation here is what keeps the wasm safe:
// every argument that could trap or exhaust memory is bounded.
import { z } from 'zod';
import { ConfigError, boolean, fieldName, finite, integer, parseConfig, type FieldNames } from '../schema.js';
import type { DatasetArgs } from './types.js';

/** Largest template length, padding and final length (far beyond any use in the paper). */
export const MAX_LENGTH = 10_000;
/** Largest number of generated values, numSamples * finalSeqLength (256 MiB per float64 copy). */
export const MAX_VALUES = 2 ** 25;
const MAX_INT32 = 2 ** 31 - 1;

/** The MNIST-1D paper's defaults (mnist1d/data.py get_dataset_args), no label noise. */
export function defaultDatasetArgs(): DatasetArgs {
  return {
    numSamples: 5000,
    trainSplit: 0.8,
    templateLen: 12,
    padding: [36, 60],
    scaleCoeff: 0.4,
    maxTranslation: 48,
    corrNoiseScale: 0.25,
    iidNoiseScale: 0.02,
    shearScale: 0.75,
    shuffleSeq: false,
    finalSeqLength: 40,
    seed: 42,
    labelNoise: 0,
  };
}

const PADDING_RULE = `must be [lo, hi] with 0 <= lo <= hi <= ${MAX_LENGTH} (integers)`;
const padding = z.custom<[number, number]>(
  (v) =>
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((p) => Number.isInteger(p) && p >= 0 && p <= MAX_LENGTH) &&
    (v[0] as number) <= (v[1] as number),
  { error: PADDING_RULE },
);

const defaults = defaultDatasetArgs();
const schema = z
  .object({
    numSamples: integer({ min: 10, max: MAX_VALUES }).default(defaults.numSamples),
    trainSplit: finite({ min: 0, max: 1, exclusiveMin: true }).default(defaults.trainSplit),
    templateLen: integer({ min: 1, max: MAX_LENGTH }).default(defaults.templateLen),
    padding: padding.default(defaults.padding),
    scaleCoeff: finite({ min: 0 }).default(defaults.scaleCoeff),
    maxTranslation: integer({ min: 1, max: MAX_INT32 }).default(defaults.maxTranslation),
    corrNoiseScale: finite({ min: 0 }).default(defaults.corrNoiseScale),
    iidNoiseScale: finite({ min: 0 }).default(defaults.iidNoiseScale),
    shearScale: finite({ min: 0 }).default(defaults.shearScale),
    shuffleSeq: boolean().default(defaults.shuffleSeq),
    finalSeqLength: integer({ min: 1, max: MAX_LENGTH }).default(defaults.finalSeqLength),
    seed: integer({ min: 0, max: 2 ** 32 - 1 }).default(defaults.seed),
    labelNoise: finite({ min: 0, max: 1 }).default(defaults.labelNoise),
  })
  .strict();

/** Examples actually generated: 10 per class, numSamples rounded down to a multiple of 10. */
export function generatedCount(args: Pick<DatasetArgs, 'numSamples'>): number {
  return 10 * Math.floor(args.numSamples / 10);
}

/** Training examples: int(n * trainSplit) as the reference computes it; the rest are test examples. */
export function trainCount(args: Pick<DatasetArgs, 'numSamples' | 'trainSplit'>): number {
  return Math.floor(generatedCount(args) * args.trainSplit);
}

/**
 * Validates dataset args (camelCase; missing fields take the defaults; unknown
 * fields are errors) and returns a complete, fresh DatasetArgs. Errors name the
 * fields as `where` says (a path prefix, or e.g. the CLI's flags).
 */
/** Args objects parseDatasetArgs returned (frozen): validDatasetArgs passes them through unchecked. */
const validated = new WeakSet<DatasetArgs>();

/** `input` itself when parseDatasetArgs made it, else parseDatasetArgs(input): each args object is checked once. */
export function validDatasetArgs(input: unknown, where: FieldNames = ''): DatasetArgs {
  return validated.has(input as DatasetArgs) ? (input as DatasetArgs) : parseDatasetArgs(input, where);
}

export function parseDatasetArgs(input: unknown, where: FieldNames = ''): DatasetArgs {
  const args = parseConfig(schema, input ?? {}, where) as DatasetArgs;
  const field = (name: string) => fieldName(where, name);
  const n = generatedCount(args);
  const nTrain = trainCount(args);
  if (nTrain < 1 || nTrain > n - 1) {
    throw new ConfigError(
      `${field('trainSplit')} must leave both train and test sets non-empty (1 to ${n - 1} of ${n} examples in train), got ${args.trainSplit} (${nTrain} train, ${n - nTrain} test)`,
      field('trainSplit'),
    );
  }
  const len1 = args.templateLen + args.padding[1];
  if (len1 < 2) {
    throw new ConfigError(
      `${field('templateLen')} + ${field('padding')}[1] must be >= 2 (the length examples are built at), got ${args.templateLen} + ${args.padding[1]}`,
      field('templateLen'),
    );
  }
  if (n * args.finalSeqLength > MAX_VALUES) {
    throw new ConfigError(
      `${field('numSamples')} * ${field('finalSeqLength')} must be <= ${MAX_VALUES}, got ${n} * ${args.finalSeqLength} = ${n * args.finalSeqLength}`,
      field('numSamples'),
    );
  }
  const valid: DatasetArgs = { ...args, padding: [args.padding[0], args.padding[1]] };
  Object.freeze(valid.padding);
  validated.add(Object.freeze(valid));
  return valid;
}

/** The reference's snake_case form, as in args.json (label_noise added). */
export function toReferenceArgs(args: DatasetArgs): Record<string, unknown> {
  return {
    num_samples: args.numSamples,
    train_split: args.trainSplit,
    template_len: args.templateLen,
    padding: [...args.padding],
    scale_coeff: args.scaleCoeff,
    max_translation: args.maxTranslation,
    corr_noise_scale: args.corrNoiseScale,
    iid_noise_scale: args.iidNoiseScale,
    shear_scale: args.shearScale,
    shuffle_seq: args.shuffleSeq,
    final_seq_length: args.finalSeqLength,
    seed: args.seed,
    label_noise: args.labelNoise,
  };
}

const SNAKE_TO_CAMEL: Record<string, keyof DatasetArgs> = Object.fromEntries(
  Object.keys(toReferenceArgs(defaults)).map((snake) => [snake, snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof DatasetArgs]),
);

/** Parses the reference's snake_case args (e.g. an args.json), validated like parseDatasetArgs. */
export function fromReferenceArgs(input: Record<string, unknown>, where: FieldNames = ''): DatasetArgs {
  const camel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) camel[SNAKE_TO_CAMEL[key] ?? key] = value;
  return parseDatasetArgs(camel, where);
}

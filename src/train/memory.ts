// The engine memory a run needs, computed before anything is allocated, and the limit
// it must fit. A run takes two blocks of the engine's heap: the run block laid out by
// layout.ts (state, plan, the parameter-sized buffers, activations and their gradients
// at the run's batch columns, kernel scratch) and the data block setData copies in.
// The engine's allocator (AssemblyScript's stub runtime) hands out blocks of at most
// 2^30 bytes less its header: that is the limit each block must fit. Both blocks
// together (at most 2 GiB, plus the sparsity patterns a mask adds, which take less than
// the run block's 16 bytes per parameter) stay below wasm32's 4 GiB of memory.
import { defaultDatasetArgs, generatedCount, parseDatasetArgs, trainCount } from '../data/args.js';
import { compileModel, type KernelSizes } from '../models/compile.js';
import { MODEL_DEFAULTS } from '../models/presets.js';
import { ConfigError, fieldName, type FieldNames } from '../schema.js';
import { modelFromConfig } from './config.js';
import { Engine } from './engine.js';
import { runBlockBytes } from './layout.js';
import { OPTIMIZER_TABLE } from './optimizers.js';
import type { RunConfig } from './types.js';

/** The largest block the engine allocates: 2^30 bytes less the allocator's header, in whole 16-byte units. */
export const ENGINE_BLOCK_LIMIT = 2 ** 30 - 16;
/** Evaluation and forward() run in batches of max(batch size, this) (rounded up to 4). */
export const EVAL_BATCH = 256;

const padded = (n: number) => Math.ceil(n / 4) * 4;

/** Columns of the activation buffers for a batch size: training and evaluation batches both fit. */
export function batchColumns(batchSize: number): number {
  return padded(Math.max(batchSize, EVAL_BATCH));
}

/** Floats of the data block's parts: train x (F, nTrain), train y, batch permutation (nTrain), test x (F, nTest), test y; each 16-byte aligned. */
export function dataBlockFloats(features: number, nTrain: number, nTest: number): number[] {
  return [features * nTrain, nTrain, nTrain, features * nTest, nTest].map(padded);
}

/** The shape of a run's data: positions per example and examples per split. */
export interface DataShape {
  features: number;
  nTrain: number;
  nTest: number;
}

/** The data shape a config's dataset args generate. */
export function datasetShape(dataset: RunConfig['dataset']): DataShape {
  const args = parseDatasetArgs(dataset);
  const nTrain = trainCount(args);
  return { features: args.finalSeqLength, nTrain, nTest: generatedCount(args) - nTrain };
}

/** Bytes of a run's two blocks. */
export interface RunMemoryNeeds {
  run: number;
  data: number;
}

/** What a run of `config` on data of `shape` takes of the engine, computed without allocating. */
export function runMemoryNeeds(config: RunConfig, kernels: KernelSizes, shape: DataShape = datasetShape(config.dataset)): RunMemoryNeeds {
  const model = compileModel(modelFromConfig(config, shape.features));
  const options = { ld: batchColumns(config.batchSize), kernels, winograd: true, optimizerBuffers: OPTIMIZER_TABLE[config.optimizer].stateBuffers };
  return { run: runBlockBytes(model, options), data: 4 * dataBlockFloats(shape.features, shape.nTrain, shape.nTest).reduce((a, b) => a + b, 0) };
}

/**
 * Throws a ConfigError when a run of `config` cannot fit in the engine: it names the
 * field whose default would shrink the run the most, the bytes needed and the limit.
 * Field names follow `where`, as parseRunConfig's.
 */
export function checkRunMemory(config: RunConfig, kernels: KernelSizes, where: FieldNames = '', shape: DataShape = datasetShape(config.dataset)): void {
  const needs = runMemoryNeeds(config, kernels, shape);
  const at = (field: string) => fieldName(where, field);
  if (needs.run > ENGINE_BLOCK_LIMIT) {
    const sizeFields = (['hidden', 'channels'] as const).filter((f) => config[f] !== undefined);
    const defaults = MODEL_DEFAULTS[config.model] as { hidden?: number; channels?: number };
    const lighter: [string, RunConfig, DataShape][] = [
      ...sizeFields.map((f): [string, RunConfig, DataShape] => [f, { ...config, [f]: defaults[f] }, shape]),
      ['batchSize', { ...config, batchSize: 100 }, shape],
      ['dataset.finalSeqLength', config, { ...shape, features: defaultDatasetArgs().finalSeqLength }],
    ];
    const saved = lighter.map(([field, c, s]) => [field, needs.run - runMemoryNeeds(c, kernels, s).run] as const);
    const [field] = saved.reduce((best, next) => (next[1] > best[1] ? next : best));
    const value = field === 'dataset.finalSeqLength' ? shape.features : config[field as 'hidden' | 'channels' | 'batchSize'];
    throw new ConfigError(
      `${at(field)} ${value} with model ${config.model} needs ${formatBytes(needs.run)} of engine memory in one block ` +
        `(parameters, optimizer state, activations and scratch for batches of up to ${batchColumns(config.batchSize)} examples of ${shape.features} positions); ` +
        `the engine's limit is ${formatBytes(ENGINE_BLOCK_LIMIT)}: lower ${orList(lighter.map(([f]) => at(f)))}`,
      at(field),
    );
  }
  if (needs.data > ENGINE_BLOCK_LIMIT) {
    throw new ConfigError(
      `${at('dataset.numSamples')} ${shape.nTrain + shape.nTest} of ${shape.features} positions needs ${formatBytes(needs.data)} of engine memory for the data; ` +
        `the engine's limit is ${formatBytes(ENGINE_BLOCK_LIMIT)}`,
      at('dataset.numSamples'),
    );
  }
}

/** "1.62 GiB", "37.5 MiB": bytes in the binary units the limits are stated in (the block limit reads "1.00 GiB"). */
export function formatBytes(bytes: number): string {
  return bytes >= ENGINE_BLOCK_LIMIT ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

const orList = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : items[0]);

let sizes: Promise<KernelSizes> | undefined;

/** The engine's scratch sizing functions, from one engine instance per process (for checks before any run). */
export function engineKernelSizes(): Promise<KernelSizes> {
  sizes ??= Engine.create().then((engine) => engine.wasm);
  return sizes;
}

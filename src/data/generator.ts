// Regenerates MNIST-1D in the generator wasm (float64), bit for bit as the
// reference numpy generator on x86-64 Linux. One Generator holds one wasm
// instance; make() is synchronous so workers can call it on their own instance.
// Each call resets the wasm heap, so memory does not grow across calls.
import { ConfigError, integer, parseConfig } from '../schema.js';
import { compileWasm, instantiateWasm, type WasmExports } from '../engine/wasm.js';
import { z } from 'zod';
import { generatedCount, trainCount, validDatasetArgs } from './args.js';
import type { Dataset, DatasetArgs } from './types.js';

interface GeneratorExports extends WasmExports {
  generate(
    numSamples: number,
    templateLen: number,
    padLo: number,
    padHi: number,
    scaleCoeff: number,
    maxTranslation: number,
    corrNoiseScale: number,
    iidNoiseScale: number,
    shearScale: number,
    shuffleSeq: number,
    finalSeqLength: number,
    seed: number,
    nTrain: number,
    labelNoise: number,
  ): number;
  seededPermutation(out: number, n: number, seed: number): void;
  randomDraws(kind: number, n: number, seed: number, high: number): number;
}

/** Raw draws of numpy's legacy RandomState after seed(s), for checking the stream. */
export type DrawKind = 'uint32' | 'rand' | 'randn' | 'randint';
const DRAW_KINDS: readonly DrawKind[] = ['uint32', 'rand', 'randn', 'randint'];

const MAX_DRAWS = 2 ** 26;
const permutationArgs = z.object({
  n: integer({ min: 0, max: MAX_DRAWS }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
});
const drawArgs = z.object({
  n: integer({ min: 0, max: MAX_DRAWS }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
  high: integer({ min: 1, max: 2 ** 31 - 1 }),
});

export class Generator {
  private constructor(private readonly wasm: GeneratorExports) {}

  /** Instantiates the generator wasm (compiling it once per process unless a compiled module is given). */
  static async create(module?: WebAssembly.Module): Promise<Generator> {
    return new Generator(await instantiateWasm<GeneratorExports>(module ?? (await compileWasm('generator'))));
  }

  /** make_dataset(args) (validated unless parseDatasetArgs made them), with label noise on the training labels when args.labelNoise > 0. */
  make(input: DatasetArgs): Dataset {
    const ds = this.makeTransient(input);
    return {
      ...ds,
      x: ds.x.slice(),
      y: ds.y.slice(),
      xTest: ds.xTest.slice(),
      yTest: ds.yTest.slice(),
      t: ds.t.slice(),
      templates: { x: ds.templates.x.slice(), t: ds.templates.t.slice() },
    };
  }

  /**
   * make() without copying out of the wasm memory: the arrays are views that
   * the next call on this Generator overwrites. For a caller that converts the
   * data at once (e.g. trainingData(generator.makeTransient(args))).
   */
  makeTransient(input: DatasetArgs): Dataset {
    const args = validDatasetArgs(input);
    const n = generatedCount(args);
    const nTrain = trainCount(args);
    const F = args.finalSeqLength;
    this.wasm.resetHeap();
    const header = this.wasm.generate(
      args.numSamples,
      args.templateLen,
      args.padding[0],
      args.padding[1],
      args.scaleCoeff,
      args.maxTranslation,
      args.corrNoiseScale,
      args.iidNoiseScale,
      args.shearScale,
      args.shuffleSeq ? 1 : 0,
      F,
      args.seed,
      nTrain,
      args.labelNoise,
    );
    const buffer = this.wasm.memory.buffer; // after the call: memory may have grown
    const [xPtr, yPtr, tPtr, templatesXPtr, templatesTPtr] = new Uint32Array(buffer, header, 5);
    return {
      x: new Float64Array(buffer, xPtr, nTrain * F),
      y: new Int32Array(buffer, yPtr, nTrain),
      xTest: new Float64Array(buffer, xPtr + nTrain * F * 8, (n - nTrain) * F),
      yTest: new Int32Array(buffer, yPtr + nTrain * 4, n - nTrain),
      t: new Float64Array(buffer, tPtr, F),
      templates: { x: new Float64Array(buffer, templatesXPtr, 120), t: new Float64Array(buffer, templatesTPtr, 12) },
      args,
    };
  }

  /** np.random.seed(seed); np.random.permutation(n). */
  permutation(n: number, seed = 42): Int32Array {
    parseConfig(permutationArgs, { n, seed }, 'permutation');
    this.wasm.resetHeap();
    const out = this.wasm.alloc(4 * n);
    this.wasm.seededPermutation(out, n, seed);
    return new Int32Array(this.wasm.memory.buffer, out, n).slice();
  }

  /** The first n draws of one kind after np.random.seed(seed) (randint draws from [0, high)). */
  randomDraws(kind: DrawKind, n: number, seed: number, high = 1): Float64Array {
    const code = DRAW_KINDS.indexOf(kind);
    if (code < 0) throw new ConfigError(`kind must be one of ${DRAW_KINDS.join(', ')}, got ${JSON.stringify(kind)}`, 'kind');
    parseConfig(drawArgs, { n, seed, high }, 'randomDraws');
    const ptr = this.wasm.randomDraws(code, n, seed, high);
    return new Float64Array(this.wasm.memory.buffer, ptr, n).slice();
  }
}

let shared: Promise<Generator> | undefined;
let ready: Generator | undefined;

/** The process-wide Generator (created on first use). */
export function loadGenerator(): Promise<Generator> {
  if (!shared) {
    shared = Generator.create().then((generator) => (ready = generator));
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

/** Generates MNIST-1D; missing args take the paper's defaults. */
export async function makeDataset(args: Partial<DatasetArgs> = {}): Promise<Dataset> {
  const full = validDatasetArgs(args); // bad args fail before the wasm loads
  return (await loadGenerator()).make(full);
}

/**
 * The paper's fixed spatial shuffle: np.random.seed(seed); np.random.permutation(n).
 * Synchronous, so it needs the shared generator loaded (await loadGenerator() or makeDataset() first).
 */
export function notebookPermutation(n: number, seed = 42): Int32Array {
  if (!ready) throw new Error('notebookPermutation needs the generator wasm: await loadGenerator() (or makeDataset()) first');
  return ready.permutation(n, seed);
}

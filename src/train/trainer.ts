// Trains one model inside one Engine: allocates the run's memory (state header, plan,
// flat parameter/gradient/optimizer/mask buffers, activations), copies the data in
// once (feature-major), and drives the engine's whole-run calls. Parameters are flat
// float32 in PyTorch's named_parameters order and layout (see layout()).
import { z } from 'zod';
import { isFeatureMajor, toFeatureMajor } from '../data/dataset.js';
import type { FeatureMajorData, TrainingData } from '../data/types.js';
import { DENSE_IN, DENSE_OUT, DENSE_PATTERN, OP_DENSE, OP_WORDS } from '../../assembly/abi/plan.js';
import {
  F_ALPHA, F_BETA1, F_BETA2, F_EPS, F_INITIAL_SQUARE_AVG, F_LR, F_MOMENTUM, F_OUT_LOSS, F_WEIGHT_DECAY,
  ORDER_SEQUENTIAL, ORDER_SHUFFLE, STATE_F64_BYTE, STATE_F64_SLOTS, STATE_I32_WORDS,
  S_BATCH, S_CLASSES, S_DLOGITS, S_FEATURES, S_GRADS, S_INPUT, S_LABELS, S_LDMAX, S_LOGITS, S_MASK, S_NOPS, S_NPARAMS,
  S_OPTIMIZER, S_OPT_A, S_OPT_B, S_ORDER, S_OUT_CORRECT, S_OUT_DIVERGED, S_OUT_STEPS, S_PARAMS, S_PERM, S_PLAN,
  S_SHUFFLE_SEED, S_TEST_N, S_TEST_X, S_TEST_Y, S_TRAIN_N, S_TRAIN_X, S_TRAIN_Y,
} from '../../assembly/abi/state.js';
import { compileModel, type CompiledModel, type ParamInfo } from '../models/compile.js';
import type { ModelSpec } from '../models/spec.js';
import { ConfigError, finite, integer, oneOf, parseConfig } from '../schema.js';
import type { Engine } from './engine.js';
import { layoutRun, runBlockBytes } from './layout.js';
import { batchColumns, dataBlockFloats, ENGINE_BLOCK_LIMIT, formatBytes } from './memory.js';
import { OPTIMIZER_TABLE, OPTIMIZERS } from './optimizers.js';
import type { BatchOrder, OptimizerName } from './types.js';

export interface TrainerOptions {
  optimizer: OptimizerName;
  lr: number;
  momentum?: number; // sgd (default 0)
  weightDecay?: number; // L2, default 0
  batchSize: number;
  seed: number; // init seed; the batch shuffles use seed ^ SHUFFLE_SEED_XOR
  batchOrder?: BatchOrder; // default 'sequential'
  rmsprop?: { alpha: number; eps: number; initialSquareAvg: number };
  adam?: { beta1: number; beta2: number; eps: number };
  /** Kernel-3, stride-2, padding-1 convolutions of 30+ channels by Winograd's F(5,2) (11/15 of the multiply-adds); default true. */
  winograd?: boolean;
}

const optionsSchema = z.strictObject({
  optimizer: oneOf(OPTIMIZERS),
  lr: finite({ min: 0 }),
  momentum: finite({ min: 0, max: 1 }).optional(),
  weightDecay: finite({ min: 0 }).optional(),
  batchSize: integer({ min: 1, max: 1 << 16 }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
  batchOrder: oneOf(['sequential', 'shuffle']).optional(),
  rmsprop: z.strictObject({ alpha: finite({ min: 0, max: 1 }), eps: finite({ min: 0 }), initialSquareAvg: finite({ min: 0 }) }).optional(),
  adam: z.strictObject({ beta1: finite({ min: 0, max: 1 }), beta2: finite({ min: 0, max: 1 }), eps: finite({ min: 0 }) }).optional(),
  winograd: z.boolean().optional(),
});

/** PyTorch's defaults. */
const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const RMSPROP_DEFAULTS = { alpha: 0.99, eps: 1e-8, initialSquareAvg: 0 };
/** The batch-order stream is seeded with seed ^ this, so it never equals the init stream. */
export const SHUFFLE_SEED_XOR = 0x5eed5eed;

const ORDER_CODES: Record<BatchOrder, number> = { sequential: ORDER_SEQUENTIAL, shuffle: ORDER_SHUFFLE };

const padded = (n: number) => Math.ceil(n / 4) * 4;

/**
 * Under a mask, a dense layer keeping at most this fraction of its weights runs the
 * sparse kernels (assembly/nn/sparse.ts), which skip the pruned weights; above it the
 * dense GEMMs are faster (the crossover measured by `npm run bench`, sparse section).
 */
export const SPARSE_MAX_DENSITY = 0.55;

interface DataRegion {
  bytes: number;
  ptr: number;
}

/**
 * One model's training run inside an Engine, which it holds from construction to
 * dispose(): an Engine runs one Trainer at a time (creating a second one while the
 * first is live is an error), and a disposed Trainer throws on any use.
 */
export class Trainer {
  readonly model: CompiledModel;
  private readonly state: number;
  private readonly planPtr: number;
  private readonly paramsPtr: number;
  private readonly gradsPtr: number;
  private readonly maskPtr: number;
  private readonly initSpecsPtr: number;
  private readonly inputPtr: number;
  private readonly labelsPtr: number;
  private readonly logitsPtr: number;
  private readonly ldMax: number;
  private readonly features: number;
  private readonly classes: number;
  private data: DataRegion | null = null;
  private trainN = 0;
  /**
   * Sparsity-pattern buffers of the dense ops (by op index): the one region outside the
   * run's layout, allocated when a mask first needs it (each several times its weights).
   */
  private readonly patterns = new Map<number, number>();

  constructor(
    private readonly engine: Engine,
    model: ModelSpec,
    options: TrainerOptions,
  ) {
    const opts = parseConfig(optionsSchema, options, 'trainer');
    this.model = compileModel(model);
    this.features = model.inputFeatures;
    this.classes = model.classes;
    this.ldMax = batchColumns(opts.batchSize);
    const optimizer = OPTIMIZER_TABLE[opts.optimizer];
    const layoutOptions = { ld: this.ldMax, kernels: engine.wasm, winograd: opts.winograd !== false, optimizerBuffers: optimizer.stateBuffers };
    const bytes = runBlockBytes(this.model, layoutOptions);
    if (bytes > ENGINE_BLOCK_LIMIT) {
      throw new ConfigError(
        `the model (${this.paramCount} parameters, ${this.model.buffers.length} activation buffers) at batchSize ${opts.batchSize} needs ${formatBytes(bytes)} of engine memory in one block; the engine's limit is ${formatBytes(ENGINE_BLOCK_LIMIT)}`,
        'model',
      );
    }

    engine.claim(this);
    const at = layoutRun(this.model, layoutOptions, (bytes) => {
      try {
        const base = engine.alloc(bytes);
        engine.f32(base, bytes / 4).fill(0); // the heap may hold a previous run's bytes
        return base;
      } catch (error) {
        engine.release(this); // out of memory: leave the engine free for another Trainer
        throw error;
      }
    });
    this.state = at.state;
    this.planPtr = at.plan;
    this.paramsPtr = at.params;
    this.gradsPtr = at.grads;
    this.maskPtr = at.mask;
    this.inputPtr = at.input;
    this.labelsPtr = at.labels;
    this.logitsPtr = at.logits;
    this.initSpecsPtr = at.initSpecs;
    const view = new DataView(engine.wasm.memory.buffer, this.initSpecsPtr, this.model.params.length * 16);
    this.model.params.forEach((p, i) => {
      view.setInt32(i * 16, p.offset * 4, true);
      view.setInt32(i * 16 + 4, p.size, true);
      view.setFloat64(i * 16 + 8, p.bound, true);
    });
    engine.i32(at.plan, at.planWords.length).set(at.planWords);

    const adam = { ...ADAM_DEFAULTS, ...opts.adam };
    const rmsprop = { ...RMSPROP_DEFAULTS, ...opts.rmsprop };
    const words = this.words();
    words[S_PLAN] = at.plan;
    words[S_NOPS] = this.model.ops.length;
    words[S_PARAMS] = at.params;
    words[S_GRADS] = at.grads;
    words[S_OPT_A] = at.optA;
    words[S_OPT_B] = at.optB;
    words[S_MASK] = 0;
    words[S_NPARAMS] = at.paramFloats;
    words[S_OPTIMIZER] = optimizer.code;
    words[S_BATCH] = opts.batchSize;
    words[S_LDMAX] = this.ldMax;
    words[S_FEATURES] = this.features;
    words[S_CLASSES] = this.classes;
    words[S_INPUT] = at.input;
    words[S_LABELS] = at.labels;
    words[S_LOGITS] = at.logits;
    words[S_DLOGITS] = at.dLogits;
    words[S_ORDER] = ORDER_CODES[opts.batchOrder ?? 'sequential'];
    words[S_SHUFFLE_SEED] = (opts.seed ^ SHUFFLE_SEED_XOR) | 0;
    const floats = engine.f64(this.state + STATE_F64_BYTE, STATE_F64_SLOTS);
    floats[F_LR] = opts.lr;
    floats[F_MOMENTUM] = opts.momentum ?? 0;
    floats[F_WEIGHT_DECAY] = opts.weightDecay ?? 0;
    floats[F_BETA1] = adam.beta1;
    floats[F_BETA2] = adam.beta2;
    floats[F_EPS] = opts.optimizer === 'rmsprop' ? rmsprop.eps : adam.eps;
    floats[F_ALPHA] = rmsprop.alpha;
    floats[F_INITIAL_SQUARE_AVG] = rmsprop.initialSquareAvg;

    engine.wasm.resetBatches(this.state);
    this.resetOptimizer();
    this.initParams(opts.seed);
  }

  /** Number of parameters (floats). */
  get paramCount(): number {
    return this.model.paramCount;
  }

  /** The parameter tensors in PyTorch's named_parameters order: name, shape, float offset, size, layer ordinal. */
  layout(): ParamInfo[] {
    return this.model.params.map((p) => ({ ...p, shape: [...p.shape] }));
  }

  /**
   * Copies the data into the engine, whose layout is FeatureMajorData's (row-major
   * TrainingData is transposed first). With positionPermutation, position j of every
   * example becomes the old position perm[j] (numpy x[:, perm]): row j of the copy is
   * row perm[j] of the data.
   */
  setData(data: TrainingData | FeatureMajorData, positionPermutation?: Int32Array): void {
    this.check();
    const F = this.features;
    if (data.features !== F) throw new ConfigError(`data has ${data.features} features but the model expects ${F}`, 'data.features');
    const nTrain = this.checkSplit('x', data.x, data.y);
    const nTest = this.checkSplit('xTest', data.xTest, data.yTest);
    if (nTrain === 0) throw new ConfigError('data.x must hold at least one training example, got 0', 'data.x');
    const perm = positionPermutation ?? Int32Array.from({ length: F }, (_, j) => j);
    if (perm.length !== F || new Set(perm).size !== F || perm.some((p) => p < 0 || p >= F)) {
      throw new ConfigError(`positionPermutation must be a permutation of 0..${F - 1}, got ${perm.length} entries`, 'positionPermutation');
    }
    const columns = isFeatureMajor(data) ? data : toFeatureMajor(data);
    const sizes = dataBlockFloats(F, nTrain, nTest);
    const bytes = 4 * sizes.reduce((a, b) => a + b, 0);
    if (bytes > ENGINE_BLOCK_LIMIT) {
      throw new ConfigError(`data of ${nTrain} + ${nTest} examples of ${F} positions needs ${formatBytes(bytes)} of engine memory; the engine's limit is ${formatBytes(ENGINE_BLOCK_LIMIT)}`, 'data');
    }
    if (!this.data || this.data.bytes < bytes) this.data = { bytes, ptr: this.engine.alloc(bytes) };
    const [xAt, yAt, permAt, xtAt, ytAt] = sizes.map((_, i) => this.data!.ptr + 4 * sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const copyRows = (src: Float32Array, n: number, at: number) => {
      const dst = this.engine.f32(at, F * n);
      for (let f = 0; f < F; f++) dst.set(src.subarray(perm[f] * n, (perm[f] + 1) * n), f * n);
    };
    copyRows(columns.x, nTrain, xAt);
    this.engine.i32(yAt, nTrain).set(columns.y);
    copyRows(columns.xTest, nTest, xtAt);
    this.engine.i32(ytAt, nTest).set(columns.yTest);
    const words = this.words();
    words[S_TRAIN_X] = xAt;
    words[S_TRAIN_Y] = yAt;
    words[S_TRAIN_N] = nTrain;
    words[S_PERM] = permAt;
    words[S_TEST_X] = xtAt;
    words[S_TEST_Y] = ytAt;
    words[S_TEST_N] = nTest;
    this.trainN = nTrain;
    this.resetBatches();
  }

  /** Draws fresh parameters (PyTorch's default init) from seed. */
  initParams(seed: number): void {
    this.check();
    parseConfig(integer({ min: 0, max: 2 ** 32 - 1 }), seed, 'seed');
    this.engine.wasm.initUniform(seed >>> 0, this.initSpecsPtr, this.model.params.length, this.paramsPtr);
    this.applyMask();
  }

  /** A copy of the parameters (paramCount floats, PyTorch order). */
  getParams(): Float32Array {
    this.check();
    return this.engine.f32(this.paramsPtr, this.paramCount).slice();
  }

  setParams(params: Float32Array): void {
    this.check();
    this.checkLength('params', params);
    this.engine.f32(this.paramsPtr, this.paramCount).set(params);
    this.applyMask();
  }

  /**
   * Sets (or with null removes) a mask multiplied into the parameters now and after
   * every update, so that pruned entries stay 0. Dense layers keeping at most
   * sparseMaxDensity of their weights then skip the pruned ones (same forward pass and
   * input gradients bit for bit; weight gradients summed in another order, 0 where pruned).
   */
  setMask(mask: Float32Array | null, { sparseMaxDensity = SPARSE_MAX_DENSITY }: { sparseMaxDensity?: number } = {}): void {
    this.check();
    parseConfig(finite({ min: 0, max: 1 }), sparseMaxDensity, 'sparseMaxDensity');
    if (mask) {
      this.checkLength('mask', mask);
      this.engine.f32(this.maskPtr, padded(this.paramCount)).fill(0).set(mask);
    }
    this.words()[S_MASK] = mask ? this.maskPtr : 0;
    this.applyMask();
    this.choosePatterns(mask ? sparseMaxDensity : -1);
  }

  /** Zeroes the optimizer's moments/buffers and its step count (Adam's t). */
  resetOptimizer(): void {
    this.check();
    this.engine.wasm.resetOptimizer(this.state);
  }

  /** Restarts the batch order at step 0 (row 0, or the first shuffle of the seed's stream). */
  resetBatches(): void {
    this.check();
    this.engine.wasm.resetBatches(this.state);
  }

  /**
   * Runs up to n training steps in one wasm call. `loss` is the mean training loss over
   * the steps taken; a non-finite loss stops early with diverged = true (that step's
   * update is not applied).
   */
  trainSteps(n: number): { steps: number; loss: number; diverged: boolean } {
    this.check();
    if (!this.trainN) throw new ConfigError('trainSteps needs data: call setData first', 'data');
    parseConfig(integer({ min: 0, max: 2 ** 31 - 1 }), n, 'steps');
    this.engine.wasm.trainSteps(this.state, n);
    const words = this.words();
    return { steps: words[S_OUT_STEPS], loss: this.outLoss(), diverged: words[S_OUT_DIVERGED] !== 0 };
  }

  /** Mean loss and accuracy (fraction) over a whole split. */
  evaluate(split: 'train' | 'test'): { loss: number; acc: number } {
    this.check();
    parseConfig(oneOf(['train', 'test']), split, 'split');
    const n = this.words()[split === 'train' ? S_TRAIN_N : S_TEST_N];
    if (!this.data || n === 0) return { loss: NaN, acc: NaN };
    this.engine.wasm.evaluate(this.state, split === 'train' ? 0 : 1);
    return { loss: this.outLoss(), acc: this.words()[S_OUT_CORRECT] / n };
  }

  /** Logits (batch, classes) row-major for x (batch, features) row-major. */
  forward(x: Float32Array, batch: number): Float32Array {
    this.check();
    this.checkRows(x, batch);
    const out = new Float32Array(batch * this.classes);
    for (let start = 0; start < batch; start += this.ldMax) {
      const b = Math.min(this.ldMax, batch - start);
      this.writeInput(x.subarray(start * this.features, (start + b) * this.features), b);
      this.engine.wasm.forwardInput(this.state, b);
      const ld = padded(b);
      const logits = this.engine.f32(this.logitsPtr, this.classes * ld);
      for (let i = 0; i < b; i++) for (let c = 0; c < this.classes; c++) out[(start + i) * this.classes + c] = logits[c * ld + i];
    }
    return out;
  }

  /** Mean cross-entropy of (x, y) and a copy of its gradient (PyTorch order), without updating. */
  gradients(x: Float32Array, y: Int32Array): { loss: number; grads: Float32Array } {
    const loss = this.runLossAndGradients(x, y, 'gradients');
    return { loss, grads: this.grads().slice() };
  }

  /**
   * Mean cross-entropy of (x, y) at the current parameters (those in params()), with
   * its gradient written into grads(); no optimizer step (step() applies one).
   * Takes 1 to max(batchSize, 256) examples.
   */
  lossAndGradients(x: Float32Array, y: Int32Array): number {
    return this.runLossAndGradients(x, y, 'lossAndGradients');
  }

  /** One optimizer update from the gradients now in grads() (then the mask, if set). */
  step(): void {
    this.check();
    this.engine.wasm.optimizerStep(this.state);
  }

  /**
   * The parameters in place (paramCount floats, PyTorch order): a view into the
   * engine's memory, no copy. Writes take effect at the next call; after a write
   * under a mask, call setParams instead (it re-applies the mask). The view is
   * invalidated when the engine's memory grows (setData, setMask may grow it) and
   * when the Trainer is disposed: take a fresh one after those.
   */
  params(): Float32Array {
    this.check();
    return this.engine.f32(this.paramsPtr, this.paramCount);
  }

  /** The gradients of the last lossAndGradients (or training step) in place: a view like params(). */
  grads(): Float32Array {
    this.check();
    return this.engine.f32(this.gradsPtr, this.paramCount);
  }

  /** Frees the engine memory this trainer holds; the trainer is unusable afterwards, the engine free for the next one. */
  dispose(): void {
    this.engine.release(this);
  }

  private runLossAndGradients(x: Float32Array, y: Int32Array, caller: string): number {
    this.check();
    const batch = y.length;
    this.checkRows(x, batch);
    if (batch < 1 || batch > this.ldMax) throw new ConfigError(`${caller} takes 1 to ${this.ldMax} examples, got ${batch}`, 'y');
    this.checkLabels('y', y);
    this.writeInput(x, batch);
    this.engine.i32(this.labelsPtr, batch).set(y);
    return this.engine.wasm.lossAndGradients(this.state, batch);
  }

  private check(): void {
    if (!this.engine.owns(this)) throw new Error('this Trainer was disposed: its engine memory is freed; create a new Trainer');
  }

  private words(): Int32Array {
    return this.engine.i32(this.state, STATE_I32_WORDS);
  }

  private outLoss(): number {
    return this.engine.f64(this.state + STATE_F64_BYTE + 8 * F_OUT_LOSS, 1)[0];
  }

  /** Points each dense op at a pattern of its kept weights when it keeps at most maxDensity of them (-1: none). */
  private choosePatterns(maxDensity: number): void {
    this.model.ops.forEach((op, i) => {
      if (op.kind !== OP_DENSE) return;
      const IN = op.fields[DENSE_IN], OUT = op.fields[DENSE_OUT];
      const weightMask = this.maskPtr + 4 * op.param;
      let pattern = 0;
      if (maxDensity >= 0) {
        let kept = 0;
        for (const m of this.engine.f32(weightMask, IN * OUT)) if (m !== 0) kept++;
        if (kept <= maxDensity * IN * OUT) {
          if (!this.patterns.has(i)) this.patterns.set(i, this.engine.alloc(4 * this.engine.wasm.patternWords(IN, OUT)));
          pattern = this.patterns.get(i)!;
          this.engine.wasm.buildPattern(IN, OUT, weightMask, pattern);
        }
      }
      // a fresh view: alloc may have grown the memory
      this.engine.i32(this.planPtr, this.model.ops.length * OP_WORDS)[i * OP_WORDS + DENSE_PATTERN] = pattern;
    });
  }

  private applyMask(): void {
    if (!this.words()[S_MASK]) return;
    const p = this.engine.f32(this.paramsPtr, this.paramCount);
    const m = this.engine.f32(this.maskPtr, this.paramCount);
    for (let i = 0; i < p.length; i++) p[i] *= m[i];
  }

  /** Writes b rows (b, features) into the input buffer as (features, ld), zero-padded. */
  private writeInput(x: Float32Array, b: number): void {
    const ld = padded(b);
    const F = this.features;
    const input = this.engine.f32(this.inputPtr, F * ld).fill(0);
    for (let i = 0; i < b; i++) for (let f = 0; f < F; f++) input[f * ld + i] = x[i * F + f];
  }

  private checkLength(name: string, values: Float32Array): void {
    if (!(values instanceof Float32Array) || values.length !== this.paramCount) {
      throw new ConfigError(`${name} must be a Float32Array of ${this.paramCount} values, got ${values?.length ?? 'none'}`, name);
    }
  }

  private checkRows(x: Float32Array, batch: number): void {
    parseConfig(integer({ min: 1 }), batch, 'batch');
    if (x.length !== batch * this.features) {
      throw new ConfigError(`x must hold batch * features = ${batch} * ${this.features} = ${batch * this.features} values, got ${x.length}`, 'x');
    }
  }

  private checkLabels(name: string, y: Int32Array): void {
    const bad = y.findIndex((v) => !(v >= 0 && v < this.classes));
    if (bad >= 0) throw new ConfigError(`${name}[${bad}] must be a class in 0..${this.classes - 1}, got ${y[bad]}`, name);
  }

  private checkSplit(name: 'x' | 'xTest', x: Float32Array, y: Int32Array): number {
    const yName = name === 'x' ? 'y' : 'yTest';
    const n = y.length;
    if (x.length !== n * this.features) {
      throw new ConfigError(`data.${name} must hold ${n} rows of ${this.features} features (${n * this.features} values), got ${x.length}`, `data.${name}`);
    }
    this.checkLabels(`data.${yName}`, y);
    return n;
  }
}

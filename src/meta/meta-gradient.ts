// Exact meta-gradients of a meta-problem (problem.ts) with respect to its inner
// learning rate or its learned activation's parameters, computed by the engine's meta
// kernels (assembly/meta.ts) in float32: forward mode along the learning rate, reverse
// mode through the stored trajectory for g's parameters.
// A MetaSession keeps one problem resident in an engine for repeated gradients (an
// outer loop), runs its inner loop alone (train) and scores the trained classifier on
// test rows (accuracy); metaGradient is the one-shot form.
import { z } from 'zod';
import { makeDataset } from '../data/generator.js';
import { ACTIVATION_ELU, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTPLUS, ACTIVATION_SWISH, ACTIVATION_TANH } from '../../assembly/abi/plan.js';
import { META_ACT_LEARNED, META_ACT_PIECEWISE, META_OPT_RMSPROP, META_OPT_SGD } from '../../assembly/abi/meta.js';
import { featureMajorData, isFeatureMajor, toFeatureMajor } from '../data/dataset.js';
import type { FeatureMajorData, TrainingData } from '../data/types.js';
import { ConfigError, finite, oneOf, parseConfig } from '../schema.js';
import { Engine } from '../train/engine.js';
import { DEFAULT_FEATURES, parseMetaProblem, type MODEL_ACTIVATIONS, type MetaProblem, type MetaShape } from './problem.js';

export type MetaParameter = 'lr' | 'activation';

export interface MetaSessionOptions {
  /** An engine to run in (claimed by the session); one per process otherwise. */
  engine?: Engine;
  /** The default dataset's float32 training rows (either layout); generated once per process otherwise. */
  data?: TrainingData | FeatureMajorData;
}

export interface MetaGradientOptions {
  /** The inner learning rate; required for SGD problems (overrides optimizer.lr when given). */
  lr?: number;
  /** What to differentiate by: the learning rate, or g's parameters (default: these when the activation is learned). */
  wrt?: MetaParameter;
  /** Replaces the learned activation's parameters (3G+1 values) from this call on. */
  activationParams?: ArrayLike<number>;
  /** Replaces the classifier's initial parameters from this call on. */
  initialParams?: ArrayLike<number>;
  /**
   * Replaces the noise from this call on, flat by step: inner K·H values, activation K·G
   * (the problem must have been created with noise).
   */
  noise?: { inner: ArrayLike<number>; activation?: ArrayLike<number> };
}

/** What MetaSession.train takes: the gradient options that do not choose a derivative. */
export type MetaTrainOptions = Omit<MetaGradientOptions, 'wrt'>;

export interface MetaTrainResult {
  /** Mean of the last `metaLoss.lastLosses` inner losses. */
  metaLoss: number;
  /** The K inner training losses, each before its step's update. */
  losses: number[];
}

export interface MetaGradientResult {
  /** Mean of the last `metaLoss.lastLosses` inner losses. */
  metaLoss: number;
  /** d(metaLoss)/d(lr), or d(metaLoss)/d(activation.params) (3G+1 values). */
  metaGrad: number | number[];
  /** The K inner training losses, each before its step's update. */
  losses: number[];
}

/** The meta entry points of the engine module (assembly/meta.ts); constants are wasm globals. */
interface MetaExports {
  metaProblem(...args: number[]): number;
  metaParamCount(run: number): number;
  metaGradientLr(run: number, lr: number, losses: number, grad: number): number;
  metaGradientTheta(run: number, lr: number, losses: number, grad: number): number;
  metaTrain(run: number, lr: number, losses: number): number;
  metaAccuracy(run: number, x: number, y: number, rows: number, count: number): number;
  metaActivation(run: number, n: number, x: number, y: number, d1: number, d2: number): void;
}

/** The problem's activation and its two derivatives at some points (MetaSession.activation). */
export interface ActivationValues {
  f: Float32Array;
  d1: Float32Array;
  d2: Float32Array;
}

/** The engine's activation code of each model activation (assembly/abi/plan.ts, meta.ts). */
const ACTIVATION_CODES: Record<(typeof MODEL_ACTIVATIONS)[number], number> = {
  tanh: ACTIVATION_TANH, elu: ACTIVATION_ELU, relu: ACTIVATION_RELU, sigmoid: ACTIVATION_SIGMOID, softplus: ACTIVATION_SOFTPLUS,
  swish: ACTIVATION_SWISH, learned: META_ACT_LEARNED, piecewise: META_ACT_PIECEWISE,
};

const sessionSchema = z.strictObject({
  engine: z.custom<Engine>((v) => v instanceof Engine, { error: 'must be an Engine' }).optional(),
  data: z.custom<TrainingData | FeatureMajorData>((v) => typeof v === 'object' && v !== null && 'x' in v && 'y' in v && 'features' in v, { error: 'must be TrainingData' }).optional(),
});

const numbers = z.custom<ArrayLike<number>>((v) => (Array.isArray(v) || ArrayBuffer.isView(v)) && Array.from(v as ArrayLike<number>).every(Number.isFinite), {
  error: 'must be an array of finite numbers',
});

const gradientSchema = z.strictObject({
  lr: finite({ min: 0, exclusiveMin: true }).optional(),
  wrt: oneOf(['lr', 'activation']).optional(),
  activationParams: numbers.optional(),
  initialParams: numbers.optional(),
  noise: z.strictObject({ inner: numbers, activation: numbers.optional() }).optional(),
});

const trainSchema = gradientSchema.omit({ wrt: true });
const activationSchema = gradientSchema.pick({ activationParams: true });

/** Room for reverse mode's per-step storage within a 4 GiB wasm memory, beside the data and workspace. */
const MAX_REVERSE_STORAGE_MIB = 3072;

let defaultData: Promise<FeatureMajorData> | undefined;
let defaultEngine: Promise<Engine> | undefined;

/** The default MNIST-1D training rows in float32, generated once per process. */
function defaultTrainingData(): Promise<FeatureMajorData> {
  defaultData ??= makeDataset().then((ds) => featureMajorData(ds));
  defaultData.catch(() => (defaultData = undefined));
  return defaultData;
}

/** One meta-problem resident in an engine: its data, parameters and workspace. */
export class MetaSession {
  private readonly wasm: MetaExports;
  private readonly run: number;
  private readonly params: number;
  private readonly theta: number;
  private readonly losses: number;
  private readonly grad: number;
  private readonly noiseInner: number;
  private readonly noiseAct: number;
  /** Test rows copied into the engine for accuracy(), by the data they came from. */
  private testRows?: { data: FeatureMajorData; count: number; x: number; y: number };
  /** Room for activation(): x, f, f', f'' of `length` points each. */
  private points?: { length: number; at: number };

  private constructor(
    private readonly engine: Engine,
    readonly problem: MetaProblem,
    readonly shape: MetaShape,
    data: FeatureMajorData,
  ) {
    this.wasm = engine.wasm as unknown as MetaExports;
    engine.claim(this);
    const wasm = this.wasm;
    const rows = data.y.length;
    const x = this.put(data.x);
    const y = engine.alloc(4 * rows);
    engine.i32(y, rows).set(data.y);
    this.params = this.put(problem.initialParams, (shape.params + 3) & ~3);
    const piecewise = problem.piecewise;
    // g's parameters, or the piecewise function's table: its breaks, then its (slope, intercept) pairs
    this.theta = problem.activation ? this.put(problem.activation.params) : piecewise ? this.put([...piecewise.breaks, ...piecewise.coefficients.flat()]) : 0;
    this.noiseInner = problem.noise ? this.put(problem.noise.inner.flat()) : 0;
    this.noiseAct = problem.noise?.activation ? this.put(problem.noise.activation.flat()) : 0;
    const opt = problem.optimizer;
    const rms = opt.name === 'rmsprop-notebook';
    const units = piecewise ? piecewise.coefficients.length : shape.activationHidden;
    this.run = wasm.metaProblem(
      shape.inputs, shape.hidden, shape.classes, problem.batchSize, problem.steps, problem.metaLoss.lastLosses, rows, x, y,
      this.params, ACTIVATION_CODES[problem.model.activation], units, this.theta, problem.activation?.scale ?? 0, this.noiseInner, this.noiseAct,
      rms ? META_OPT_RMSPROP : META_OPT_SGD, rms ? opt.alpha : 0, rms ? opt.eps : 0, rms ? opt.squareAvgInit : 0,
    );
    this.losses = engine.alloc(8 * problem.steps);
    this.grad = engine.alloc(Math.max(8, 4 * (3 * shape.activationHidden + 1)));
  }

  /** Validates `problem` (the `problem` object of ../shared/reference/torch/meta/*.json) and loads it into an engine. */
  static async create(problem: unknown, options: MetaSessionOptions = {}): Promise<MetaSession> {
    const parsed = parseMetaProblem(problem);
    const opts = parseConfig(sessionSchema, options, 'options');
    const data = opts.data ?? (await defaultTrainingData());
    if (data.features !== DEFAULT_FEATURES) throw new ConfigError(`options.data must have ${DEFAULT_FEATURES} features, got ${data.features}`, 'options.data');
    const engine = opts.engine ?? (await (defaultEngine ??= Engine.create()));
    return new MetaSession(engine, parsed.problem, parsed.shape, isFeatureMajor(data) ? data : toFeatureMajor(data));
  }

  /** The meta-loss, the inner losses and the exact meta-gradient (see MetaGradientOptions). */
  gradient(options: MetaGradientOptions = {}): MetaGradientResult {
    if (!this.engine.owns(this)) throw new Error('this MetaSession was disposed or its engine was claimed by another user');
    const opts = parseConfig(gradientSchema, options, 'options');
    const { problem, shape } = this;
    const G = shape.activationHidden;
    const wrt = opts.wrt ?? (problem.activation ? 'activation' : 'lr');
    if (wrt === 'activation' && !problem.activation) {
      throw new ConfigError(`options.wrt "activation" needs a learned activation (problem.model.activation "learned"), got ${problem.model.activation}`, 'options.wrt');
    }
    const lr = this.apply(opts);
    const K = problem.steps;
    if (wrt === 'activation') this.checkReverseStorage();
    if (wrt === 'lr') {
      const metaLoss = this.wasm.metaGradientLr(this.run, lr, this.losses, this.grad);
      return { metaLoss, metaGrad: this.engine.f64(this.grad, 1)[0], losses: Array.from(this.engine.f64(this.losses, K)) };
    }
    const metaLoss = this.wasm.metaGradientTheta(this.run, lr, this.losses, this.grad);
    return { metaLoss, metaGrad: Array.from(this.engine.f32(this.grad, 3 * G + 1)), losses: Array.from(this.engine.f64(this.losses, K)) };
  }

  /** The inner loop alone, without a derivative (the options as for gradient()); accuracy() then evaluates its end. */
  train(options: MetaTrainOptions = {}): MetaTrainResult {
    if (!this.engine.owns(this)) throw new Error('this MetaSession was disposed or its engine was claimed by another user');
    const lr = this.apply(parseConfig(trainSchema, options, 'options'));
    const metaLoss = this.wasm.metaTrain(this.run, lr, this.losses);
    return { metaLoss, losses: Array.from(this.engine.f64(this.losses, this.problem.steps)) };
  }

  /**
   * The fraction of the first `count` test rows of `data` that the classifier after the
   * latest gradient() or train() call classifies correctly, without noise.
   */
  accuracy(data: FeatureMajorData, count: number): number {
    if (!this.engine.owns(this)) throw new Error('this MetaSession was disposed or its engine was claimed by another user');
    const rows = data.yTest.length;
    if (!Number.isInteger(count) || count < 1 || count > rows) throw new ConfigError(`count must be an integer in [1, ${rows}] (the test rows), got ${count}`, 'count');
    if (data.features !== this.shape.inputs) throw new ConfigError(`data must have ${this.shape.inputs} features, got ${data.features}`, 'data');
    if (this.testRows?.data !== data || this.testRows.count < count) {
      // the first `count` rows, kept feature-major: (features, count)
      const x = new Float32Array(data.features * count);
      for (let f = 0; f < data.features; f++) x.set(data.xTest.subarray(f * rows, f * rows + count), f * count);
      const y = this.engine.alloc(4 * count);
      this.engine.i32(y, count).set(data.yTest.subarray(0, count));
      this.testRows = { data, count, x: this.put(x), y };
    }
    const t = this.testRows;
    return this.wasm.metaAccuracy(this.run, t.x, t.y, t.count, count) / count;
  }

  /**
   * The problem's activation f, f' and f'' at the points x, as the inner loop computes
   * them (the learned one through its table), without noise, for `activationParams`
   * (replacing them from this call on, as in gradient()) or the current ones. |x| >= 512
   * gives NaN for the learned activation (beyond its table).
   */
  activation(x: ArrayLike<number>, options: { activationParams?: ArrayLike<number> } = {}): ActivationValues {
    if (!this.engine.owns(this)) throw new Error('this MetaSession was disposed or its engine was claimed by another user');
    const { activationParams } = parseConfig(activationSchema, options, 'options');
    if (activationParams) this.setActivationParams(activationParams);
    if (!(Array.isArray(x) || ArrayBuffer.isView(x)) || !Array.from(x).every(Number.isFinite)) throw new ConfigError('x must be an array of finite numbers', 'x');
    const n = x.length;
    const padded = (n + 3) & ~3;
    if (!this.points || this.points.length < padded) this.points = { length: padded, at: this.engine.alloc(16 * padded) };
    const at = this.points.at;
    this.engine.f32(at, padded).fill(0).set(x);
    this.wasm.metaActivation(this.run, padded, at, at + 4 * padded, at + 8 * padded, at + 12 * padded);
    const copy = (k: number) => this.engine.f32(at + 4 * k * padded, n).slice();
    return { f: copy(1), d1: copy(2), d2: copy(3) };
  }

  /** Applies the options that replace values (θ, initial parameters, noise) and returns the learning rate. */
  private apply(opts: Omit<MetaGradientOptions, 'wrt'>): number {
    const { problem, shape } = this;
    const G = shape.activationHidden;
    const lr = opts.lr ?? problem.optimizer.lr;
    if (lr === undefined) throw new ConfigError('options.lr is required for an SGD problem without optimizer.lr (the learning rate is its meta-parameter)', 'options.lr');
    if (opts.activationParams) this.setActivationParams(opts.activationParams);
    if (opts.initialParams) this.replace('initialParams', this.params, opts.initialParams, shape.params);
    if (opts.noise) {
      if (!problem.noise) throw new ConfigError('options.noise needs a problem created with noise (problem.noise)', 'options.noise');
      this.replace('noise.inner', this.noiseInner, opts.noise.inner, problem.steps * shape.hidden);
      if (this.noiseAct) {
        if (!opts.noise.activation) throw new ConfigError('options.noise.activation is required with a learned activation', 'options.noise.activation');
        this.replace('noise.activation', this.noiseAct, opts.noise.activation, problem.steps * G);
      }
    }
    return lr;
  }

  /** Reverse mode stores p_t (and v_t) per step (assembly/meta.ts); a wasm memory holds at most 4 GiB. */
  private checkReverseStorage(): void {
    const { problem, shape } = this;
    const paddedParams = (shape.params + 3) & ~3;
    const perStep = 4 * paddedParams * (problem.optimizer.name === 'sgd' ? 1 : 2);
    const mib = (problem.steps * perStep) / 2 ** 20;
    if (mib > MAX_REVERSE_STORAGE_MIB) {
      throw new ConfigError(
        `problem.steps ${problem.steps} needs ${Math.ceil(mib)} MiB of per-step storage for d/d(activation.params) (at most ${MAX_REVERSE_STORAGE_MIB} MiB): use fewer steps or a smaller model`,
        'problem.steps',
      );
    }
  }

  /** Frees the engine for other users. */
  dispose(): void {
    this.engine.release(this);
  }

  /** Copies values into a fresh zero-padded float32 buffer of `length` floats. */
  private put(values: ArrayLike<number>, length = values.length): number {
    const ptr = this.engine.alloc(4 * length);
    const view = this.engine.f32(ptr, length);
    view.fill(0);
    view.set(values);
    return ptr;
  }

  /** Replaces g's parameters (3G+1 values; refused without a learned activation). */
  private setActivationParams(values: ArrayLike<number>): void {
    this.replace('activationParams', this.theta, values, this.problem.activation ? 3 * this.shape.activationHidden + 1 : 0);
  }

  private replace(field: string, ptr: number, values: ArrayLike<number>, length: number): void {
    if (!length) throw new ConfigError(`options.${field} needs a learned activation`, `options.${field}`);
    if (values.length !== length) throw new ConfigError(`options.${field} must have ${length} values, got ${values.length}`, `options.${field}`);
    this.engine.f32(ptr, length).set(values);
  }
}

/**
 * The meta-loss of `problem` (the `problem` object of ../shared/reference/torch/meta/*.json),
 * its inner losses, and its exact gradient with respect to the learning rate (a number)
 * or the learned activation's parameters (an array).
 */
export async function metaGradient(problem: unknown, options: MetaGradientOptions & MetaSessionOptions = {}): Promise<MetaGradientResult> {
  const { engine, data, ...gradientOptions } = options;
  const session = await MetaSession.create(problem, { ...(engine && { engine }), ...(data && { data }) });
  try {
    return session.gradient(gradientOptions);
  } finally {
    session.dispose();
  }
}

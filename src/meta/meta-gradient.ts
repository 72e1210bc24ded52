// metaGradient: the exact gradient of a meta-problem's meta-loss (problem.ts) with
// respect to its inner learning rate or its learned activation's parameters, computed
// by the engine's meta kernels (assembly/meta.ts) in float32: forward mode along the
// learning rate, reverse mode through the stored trajectory for g's parameters.
import { makeDataset } from '../data/generator.js';
import { trainingData } from '../data/dataset.js';
import type { TrainingData } from '../data/types.js';
import { activationCode } from '../models/plan.js';
import { ConfigError, finite, oneOf, parseConfig } from '../schema.js';
import { Engine } from '../train/engine.js';
import { DEFAULT_FEATURES, parseMetaProblem, type MetaProblem, type MetaShape } from './problem.js';
import { z } from 'zod';

export type MetaParameter = 'lr' | 'activation';

export interface MetaGradientOptions {
  /** The inner learning rate; required for SGD problems (overrides optimizer.lr when given). */
  lr?: number;
  /** What to differentiate by: the learning rate, or g's parameters (default: these when the activation is learned). */
  wrt?: MetaParameter;
  /** An engine to run in (claimed for the call); one per process otherwise. */
  engine?: Engine;
  /** The default dataset's float32 training rows; generated once per process otherwise. */
  data?: TrainingData;
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
  memory: WebAssembly.Memory;
  META_ACT_LEARNED: WebAssembly.Global;
  META_OPT_SGD: WebAssembly.Global;
  META_OPT_RMSPROP: WebAssembly.Global;
  metaProblem(...args: number[]): number;
  metaParamCount(run: number): number;
  metaGradientLr(run: number, losses: number, grad: number): number;
  metaGradientTheta(run: number, losses: number, grad: number): number;
}

const optionsSchema = z.strictObject({
  lr: finite({ min: 0, exclusiveMin: true }).optional(),
  wrt: oneOf(['lr', 'activation']).optional(),
  engine: z.custom<Engine>((v) => v instanceof Engine, { error: 'must be an Engine' }).optional(),
  data: z.custom<TrainingData>((v) => typeof v === 'object' && v !== null && 'x' in v && 'y' in v, { error: 'must be TrainingData' }).optional(),
});

let defaultData: Promise<TrainingData> | undefined;
let defaultEngine: Promise<Engine> | undefined;

/** The default MNIST-1D training rows in float32, generated once per process. */
function defaultTrainingData(): Promise<TrainingData> {
  defaultData ??= makeDataset().then((ds) => trainingData(ds));
  defaultData.catch(() => (defaultData = undefined));
  return defaultData;
}

/**
 * The meta-loss of `problem` (the `problem` object of ../shared/reference/torch/meta/*.json),
 * its inner losses, and its exact gradient with respect to the learning rate (a number)
 * or the learned activation's parameters (an array).
 */
export async function metaGradient(problemInput: unknown, options: MetaGradientOptions = {}): Promise<MetaGradientResult> {
  const { problem, shape } = parseMetaProblem(problemInput);
  const opts = parseConfig(optionsSchema, options, 'options');
  const wrt = opts.wrt ?? (problem.activation ? 'activation' : 'lr');
  if (wrt === 'activation' && !problem.activation) {
    throw new ConfigError(`options.wrt "activation" needs a learned activation (problem.model.activation "learned"), got ${problem.model.activation}`, 'options.wrt');
  }
  const lr = opts.lr ?? problem.optimizer.lr;
  if (lr === undefined) throw new ConfigError('options.lr is required for an SGD problem without optimizer.lr (the learning rate is its meta-parameter)', 'options.lr');
  const data = opts.data ?? (await defaultTrainingData());
  if (data.features !== DEFAULT_FEATURES) throw new ConfigError(`options.data must have ${DEFAULT_FEATURES} features, got ${data.features}`, 'options.data');
  const engine = opts.engine ?? (await (defaultEngine ??= Engine.create()));
  return runMetaGradient(engine, problem, shape, lr, wrt, data);
}

function runMetaGradient(engine: Engine, problem: MetaProblem, shape: MetaShape, lr: number, wrt: MetaParameter, data: TrainingData): MetaGradientResult {
  const wasm = engine.wasm as unknown as MetaExports;
  const owner = {};
  engine.claim(owner);
  try {
    const K = problem.steps;
    const G = shape.activationHidden;
    const rows = data.y.length;
    const put = (values: ArrayLike<number>, length = values.length): number => {
      const ptr = engine.alloc(4 * length);
      const view = engine.f32(ptr, length);
      view.fill(0);
      view.set(values);
      return ptr;
    };
    const putRows = (rowsOf: number[][]): number => put(rowsOf.flat());
    const x = put(data.x);
    const y = engine.alloc(4 * rows);
    engine.i32(y, rows).set(data.y);
    const paddedParams = (shape.params + 3) & ~3;
    const params = put(problem.initialParams, paddedParams);
    const theta = problem.activation ? put(problem.activation.params) : 0;
    const noiseInner = problem.noise ? putRows(problem.noise.inner) : 0;
    const noiseAct = problem.noise?.activation ? putRows(problem.noise.activation) : 0;
    const opt = problem.optimizer;
    const rms = opt.name === 'rmsprop-notebook';
    const activation = problem.activation ? wasm.META_ACT_LEARNED.value : activationCode(problem.model.activation as 'tanh' | 'elu');
    const run = wasm.metaProblem(
      shape.inputs, shape.hidden, shape.classes, problem.batchSize, K, problem.metaLoss.lastLosses, rows, x, y, params,
      activation, G, theta, problem.activation?.scale ?? 0, noiseInner, noiseAct,
      rms ? wasm.META_OPT_RMSPROP.value : wasm.META_OPT_SGD.value, lr, rms ? opt.alpha : 0, rms ? opt.eps : 0, rms ? opt.squareAvgInit : 0,
    );
    if (wasm.metaParamCount(run) !== paddedParams) throw new Error(`engine expects ${wasm.metaParamCount(run)} parameters, got ${paddedParams}`);
    const losses = engine.alloc(8 * K);
    if (wrt === 'lr') {
      const grad = engine.alloc(8);
      const metaLoss = wasm.metaGradientLr(run, losses, grad);
      return { metaLoss, metaGrad: engine.f64(grad, 1)[0], losses: Array.from(engine.f64(losses, K)) };
    }
    const grad = engine.alloc(4 * (3 * G + 1));
    const metaLoss = wasm.metaGradientTheta(run, losses, grad);
    return { metaLoss, metaGrad: Array.from(engine.f32(grad, 3 * G + 1)), losses: Array.from(engine.f64(losses, K)) };
  } finally {
    engine.release(owner);
  }
}

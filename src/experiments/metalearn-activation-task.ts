// The task kinds of the activation meta-learning notebook (`metalearn-activation-function`):
// - 'metalearn-activation': the outer loop in one worker. Every outer step trains a fresh
//   MLP 40-H-10 whose activation is f(x) = elu(x) + scale·g(x) (g a 1-G(tanh)-1 MLP with
//   parameters θ) for `innerSteps` steps of the notebook's RMSprop on the training rows in
//   order, with uniform noise on both hidden layers; takes the exact gradient of the mean
//   of the last `lastLosses` inner losses with respect to θ (reverse mode through the
//   unrolled loop, src/meta), clips it elementwise to ±clip and moves θ by -outerLr times it.
// - 'activation-baseline': the same inner loop once, with a fixed activation (or the
//   notebook's piecewise-linear fit of its learned function).
// Seeds: g starts from PyTorch's init after torch.manual_seed(activationSeed); the
// classifier of outer step k from torch.manual_seed(seed + k) (a baseline: seed, as outer
// step 0); the noise of outer step k is the k-th inner loop's share of one stream
// (src/meta/noise.ts) seeded with noiseSeed (a baseline: the first share, as outer step 0).
import { z } from 'zod';
import type { DatasetArgs, FeatureMajorData } from '../data/types.js';
import { MetaSession } from '../meta/meta-gradient.js';
import { NoiseStream, type InnerLoopNoise } from '../meta/noise.js';
import { torchLinearInit } from '../meta/torch-init.js';
import { ConfigError, finite, integer, oneOf, parseConfig } from '../schema.js';
import type { TaskKind } from '../sweep/task-kind.js';
import type { ProgressListener, TaskRecord } from '../sweep/task.js';
import type { Engine } from '../train/engine.js';

const seed = () => integer({ min: 0, max: 2 ** 32 - 1 });

/** The inner loop every task of this notebook runs. */
const innerFields = {
  innerSteps: integer({ min: 1, max: 10_000 }),
  lastLosses: integer({ min: 1, max: 10_000 }),
  innerLr: finite({ min: 0, exclusiveMin: true }),
  decay: finite({ min: 0, max: 1 }),
  eps: finite({ min: 0 }),
  squareAvgInit: finite({ min: 0 }),
  batchSize: integer({ min: 1, max: 4000 }),
  hidden: integer({ min: 1, max: 4096 }),
  activationHidden: integer({ min: 1, max: 4096 }),
  noise: finite({ min: 0 }),
  testRows: integer({ min: 1 }),
  seed: seed(),
  noiseSeed: seed(),
};

function checkLastLosses<C extends { lastLosses: number; innerSteps: number }>(config: C, where: string): C {
  if (config.lastLosses > config.innerSteps) {
    throw new ConfigError(`${where}.lastLosses must be at most innerSteps (${config.innerSteps}), got ${config.lastLosses}`, `${where}.lastLosses`);
  }
  return config;
}

/** The meta-run's fields (the study's settings take them too). */
export const metaFields = {
  ...innerFields,
  outerSteps: integer({ min: 1, max: 100_000 }),
  outerLr: finite({ min: 0, exclusiveMin: true }),
  clip: finite({ min: 0, exclusiveMin: true }),
  scale: finite(),
  activationSeed: seed(),
};

const metaSchema = z.strictObject(metaFields);

export const BASELINE_ACTIVATIONS = ['relu', 'swish', 'elu', 'softplus', 'tanh', 'sigmoid', 'piecewise'] as const;
export type BaselineActivation = (typeof BASELINE_ACTIVATIONS)[number];

const baselineSchema = z.strictObject({ ...innerFields, activation: oneOf(BASELINE_ACTIVATIONS) });

export type MetalearnActivationConfig = z.output<typeof metaSchema>;
export type ActivationBaselineConfig = z.output<typeof baselineSchema>;

/**
 * The notebook's piecewise-linear fit of its learned function (get_approx_afun):
 * segments split at `breaks`, each [slope, intercept].
 */
export const NOTEBOOK_PIECEWISE_FIT = {
  breaks: [-2, -1, -0.25, 0.1, 0.6],
  coefficients: [[0.15, 0.9], [-0.25, 0.1], [-1.2, -0.85], [-0.5, -0.75], [0.2, -0.85], [1.2, -1.4]] as [number, number][],
};

/** Where the learned function is sampled after every outer step: 100 points on [-5, 5], as the notebook. */
export const SAMPLE_POINTS = Array.from({ length: 100 }, (_, i) => -5 + (10 * i) / 99);

export type MetalearnActivationRecord = {
  config: MetalearnActivationConfig;
  status: 'ok';
  /** Per outer step (with the θ before its update): the meta-loss, the last inner loss, the test accuracy after the inner loop. */
  metaLoss: number[];
  finalLoss: number[];
  testAccuracy: number[];
  /** Per outer step: the squared norm of the clipped meta-gradient (the notebook's meta_grad_norm). */
  gradNorm: number[];
  /** Per outer step: f at SAMPLE_POINTS without noise, the function that step trained with. */
  samples: number[][];
  /** θ after the last outer step. */
  finalParams: number[];
  /** True when a meta-loss was not finite; the loop stopped there. */
  diverged: boolean;
  wall_s: number;
};

export type ActivationBaselineRecord = {
  config: ActivationBaselineConfig;
  status: 'ok';
  /** The inner losses, the mean of the last lastLosses of them, and the test accuracy at the end. */
  losses: number[];
  metaLoss: number;
  testAccuracy: number;
  wall_s: number;
};

function oneDataset(kind: string) {
  return (_config: unknown, listed: DatasetArgs[], where: string) => {
    if (listed.length !== 1) throw new ConfigError(`${where}: a ${kind} task needs one dataset, got ${listed.length}`, where);
    return listed;
  };
}

export const metalearnActivationKind: TaskKind<MetalearnActivationConfig> = {
  parseConfig: (config, where) => checkLastLosses(parseConfig(metaSchema, config, where), where),
  datasets: oneDataset('metalearn-activation'),
  run: (engine, data, config, onProgress) => outerLoop(engine, data[0], config, onProgress),
  failedRecord: (config, reason, wallSeconds) => ({
    config, status: 'failed', reason, metaLoss: [], finalLoss: [], testAccuracy: [], gradNorm: [], samples: [], finalParams: [], diverged: false, wall_s: wallSeconds,
  }),
};

export const activationBaselineKind: TaskKind<ActivationBaselineConfig> = {
  parseConfig: (config, where) => checkLastLosses(parseConfig(baselineSchema, config, where), where),
  datasets: oneDataset('activation-baseline'),
  run: (engine, data, config) => baseline(engine, data[0], config),
  failedRecord: (config, reason, wallSeconds) => ({ config, status: 'failed', reason, losses: [], metaLoss: null, testAccuracy: null, wall_s: wallSeconds }),
  describe: (config) => `activation-baseline ${config.activation}`,
};

type InnerConfig = z.output<z.ZodObject<typeof innerFields>>;

/**
 * The meta-problem (src/meta/problem.ts) of one inner loop with the model activation
 * `activation` (and `extra`: its `activation` net or `piecewise` table); the noise of g's
 * hidden layer goes in only with a learned activation.
 */
function innerProblem(c: InnerConfig, features: number, activation: string, extra: object, initialParams: Float32Array, noise: InnerLoopNoise) {
  const learned = activation === 'learned';
  const rows = (flat: Float32Array, width: number) => Array.from({ length: c.innerSteps }, (_, t) => Array.from(flat.subarray(t * width, (t + 1) * width)));
  return {
    dataset: 'default',
    rows: 'sequential',
    batchSize: c.batchSize,
    steps: c.innerSteps,
    metaLoss: { lastLosses: c.lastLosses },
    optimizer: { name: 'rmsprop-notebook', lr: c.innerLr, alpha: c.decay, eps: c.eps, squareAvgInit: c.squareAvgInit },
    noise: { inner: rows(noise.inner, c.hidden), ...(learned && { activation: rows(noise.activation, c.activationHidden) }) },
    initialParams: Array.from(initialParams),
    model: { sizes: [features, c.hidden, 10], activation },
    ...extra,
  };
}

/**
 * The meta-run's first inner problem: the learned activation from PyTorch's init of g
 * (activationSeed), the classifier's init (seed) and `first`, the first share of the
 * noise stream; with activation 'elu', the same inner loop without g (the bench's yardstick).
 */
export function firstInnerProblem(c: MetalearnActivationConfig, features: number, first: InnerLoopNoise, activation: 'learned' | 'elu' = 'learned') {
  const theta = torchLinearInit(c.activationSeed, [1, c.activationHidden, 1]);
  const net = activation === 'learned' ? { activation: { base: 'elu', scale: c.scale, sizes: [1, c.activationHidden, 1], hidden: 'tanh', params: Array.from(theta) } } : {};
  return innerProblem(c, features, activation, net, torchLinearInit(c.seed, [features, c.hidden, 10]), first);
}

function checkTestRows(c: InnerConfig, data: FeatureMajorData): void {
  if (c.testRows > data.yTest.length) throw new ConfigError(`config.testRows must be at most the dataset's ${data.yTest.length} test rows, got ${c.testRows}`, 'config.testRows');
}

/** f(x) = elu(x) + scale · g(x) in float64, without noise; θ = w1 (G), b1 (G), w2 (G), b2. */
export function learnedActivation(theta: ArrayLike<number>, scale: number, x: number): number {
  const G = (theta.length - 1) / 3;
  let g = theta[3 * G];
  for (let j = 0; j < G; j++) g += theta[2 * G + j] * Math.tanh(theta[j] * x + theta[G + j]);
  return (x > 0 ? x : Math.expm1(x)) + scale * g;
}

async function outerLoop(engine: Engine, data: FeatureMajorData, c: MetalearnActivationConfig, onProgress: ProgressListener): Promise<TaskRecord> {
  const started = performance.now();
  checkTestRows(c, data);
  const sizes = [data.features, c.hidden, 10];
  const noise = new NoiseStream(c.noiseSeed, c.noise);
  const theta = torchLinearInit(c.activationSeed, [1, c.activationHidden, 1]);
  const firstNoise = noise.next(c.innerSteps, c.hidden, c.activationHidden);
  const session = await MetaSession.create(firstInnerProblem(c, data.features, firstNoise), { engine, data });
  const record: MetalearnActivationRecord = {
    config: c, status: 'ok', metaLoss: [], finalLoss: [], testAccuracy: [], gradNorm: [], samples: [], finalParams: [], diverged: false, wall_s: 0,
  };
  try {
    for (let step = 0; step < c.outerSteps; step++) {
      const stepNoise = step === 0 ? firstNoise : noise.next(c.innerSteps, c.hidden, c.activationHidden);
      record.samples.push(SAMPLE_POINTS.map((x) => learnedActivation(theta, c.scale, x)));
      const { metaLoss, metaGrad, losses } = session.gradient({
        activationParams: theta,
        initialParams: torchLinearInit(c.seed + step, sizes),
        noise: stepNoise,
      });
      record.metaLoss.push(metaLoss);
      record.finalLoss.push(losses[losses.length - 1]);
      record.testAccuracy.push(session.accuracy(data, c.testRows));
      let norm = 0;
      (metaGrad as number[]).forEach((g, i) => {
        const clipped = Math.min(c.clip, Math.max(-c.clip, g));
        norm += clipped * clipped;
        theta[i] -= c.outerLr * clipped;
      });
      record.gradNorm.push(norm);
      onProgress({ step: step + 1, totalSteps: c.outerSteps });
      if (!Number.isFinite(metaLoss)) {
        record.diverged = true;
        break;
      }
    }
  } finally {
    session.dispose();
  }
  record.finalParams = Array.from(theta);
  record.wall_s = (performance.now() - started) / 1000;
  return record as unknown as TaskRecord;
}

async function baseline(engine: Engine, data: FeatureMajorData, c: ActivationBaselineConfig): Promise<TaskRecord> {
  const started = performance.now();
  checkTestRows(c, data);
  const noise = new NoiseStream(c.noiseSeed, c.noise).next(c.innerSteps, c.hidden, c.activationHidden);
  const extra = c.activation === 'piecewise' ? { piecewise: NOTEBOOK_PIECEWISE_FIT } : {};
  const problem = innerProblem(c, data.features, c.activation, extra, torchLinearInit(c.seed, [data.features, c.hidden, 10]), noise);
  const session = await MetaSession.create(problem, { engine, data });
  try {
    const { metaLoss, losses } = session.train();
    const record: ActivationBaselineRecord = {
      config: c, status: 'ok', losses, metaLoss, testAccuracy: session.accuracy(data, c.testRows), wall_s: (performance.now() - started) / 1000,
    };
    return record as unknown as TaskRecord;
  } finally {
    session.dispose();
  }
}

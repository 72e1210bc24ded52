// One training run: trainLoop (the chunk / evaluate / stop-on-divergence / time loop
// every run, chain and study uses), trainOnData (a whole run inside a worker, on an
// Engine it is given) and train (the async convenience: parse, generate, run).
import { featureMajorData } from '../data/dataset.js';
import { makeDataset } from '../data/generator.js';
import type { FeatureMajorData, TrainingData } from '../data/types.js';
import { ConfigError } from '../schema.js';
import { checkBatchSize, modelFromConfig, parseRunConfig, totalSteps } from './config.js';
import { Engine } from './engine.js';
import { checkRunMemory } from './memory.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import type { EvalPoint, RunConfig, RunProgress, RunRecord } from './types.js';

/** Steps per wasm call when no evaluation falls sooner (progress granularity). */
const CHUNK_STEPS = 1000;
/** Seed of the notebook's spatial shuffle: np.random.seed(42); np.random.permutation(40). */
export const SHUFFLE_SEQ_SEED = 42;

/**
 * A Trainer for a run config's model and optimizer (data not yet set); `kernels` picks
 * kernel variants that a run config leaves to the engine (benchmarks compare them).
 */
export function trainerForConfig(engine: Engine, config: RunConfig, features: number, kernels: Pick<TrainerOptions, 'winograd'> = {}): Trainer {
  return new Trainer(engine, modelFromConfig(config, features), {
    ...kernels,
    optimizer: config.optimizer,
    lr: config.lr,
    momentum: config.optimizer === 'sgd' ? config.momentum : undefined,
    weightDecay: config.weightDecay,
    batchSize: config.batchSize,
    seed: config.seed,
    batchOrder: config.batchOrder,
  });
}

export interface TrainLoop<P> {
  steps: number;
  /** Evaluate at step 0 and every evalEvery steps; 0 = only at the end. */
  evalEvery: number;
  /**
   * Called at each evaluation step and once at the end (`last`: after the last step,
   * or at the step whose loss became non-finite). Evaluating never changes the training.
   */
  evaluate(step: number, last: boolean): P;
  /** After every chunk of steps and every evaluation, with the evaluation's result. */
  onProgress?(step: number, evaluated?: P): void;
}

export interface TrainLoopResult {
  /** Steps taken: fewer than asked when the loss became non-finite. */
  steps: number;
  diverged: boolean;
  /** Time spent in trainSteps (evaluation excluded). */
  trainMs: number;
}

/** Trains `trainer` for loop.steps in wasm calls of at most CHUNK_STEPS, stopping early on a non-finite loss. */
export function trainLoop<P>(trainer: Trainer, loop: TrainLoop<P>): TrainLoopResult {
  const { steps, evalEvery: every } = loop;
  if (every > 0 || steps === 0) loop.onProgress?.(0, loop.evaluate(0, steps === 0));
  let step = 0;
  let trainMs = 0;
  let diverged = false;
  while (step < steps && !diverged) {
    const n = Math.min(steps - step, every > 0 ? every - (step % every) : Infinity, CHUNK_STEPS);
    const t0 = performance.now();
    const result = trainer.trainSteps(n);
    trainMs += performance.now() - t0;
    step += result.steps;
    diverged = result.diverged;
    const last = diverged || step === steps;
    const due = last || (every > 0 && step % every === 0);
    loop.onProgress?.(step, due ? loop.evaluate(step, last) : undefined);
  }
  return { steps: step, diverged, trainMs };
}

/**
 * Trains `config` on `data` inside `engine`. Evaluates train and test loss/accuracy at
 * step 0, every `evalEvery` steps and at the end (only at the end when evalEvery is 0);
 * a non-finite training loss stops the run with status 'diverged'. `steps_per_s`
 * counts training steps over the time spent training (evaluation excluded); `wall_s`
 * is the whole run.
 */
export function trainOnData(engine: Engine, data: TrainingData | FeatureMajorData, config: RunConfig, onProgress?: (p: RunProgress) => void): RunRecord {
  const started = performance.now();
  checkRunMemory(config, engine.wasm, '', { features: data.features, nTrain: data.y.length, nTest: data.yTest.length });
  if (config.batchSize > data.y.length) {
    throw new ConfigError(`batchSize must be at most the ${data.y.length} training examples of the data, got ${config.batchSize}`, 'batchSize');
  }
  const trainer = trainerForConfig(engine, config, data.features);
  try {
    trainer.setData(data, config.shuffleSeq ? engine.permutation(data.features, SHUFFLE_SEQ_SEED) : undefined);
    const total = totalSteps(config, data.y.length);
    const history: EvalPoint[] = [];
    const run = trainLoop(trainer, {
      steps: total,
      evalEvery: config.evalEvery,
      evaluate(step) {
        const train = trainer.evaluate('train');
        const test = trainer.evaluate('test');
        const point = { step, train_loss: train.loss, train_acc: train.acc, test_loss: test.loss, test_acc: test.acc };
        history.push(point);
        return point;
      },
      onProgress: (step, point) => onProgress?.({ step, totalSteps: total, ...(point && { point }) }),
    });
    const last = history.at(-1)!;
    const reason = run.diverged ? `the training loss became non-finite at step ${run.steps + 1} (lr ${config.lr})` : undefined;
    return {
      config,
      status: reason ? 'diverged' : 'ok',
      ...(reason && { reason }),
      train_loss: finiteOrNull(last.train_loss),
      train_acc: finiteOrNull(last.train_acc),
      test_loss: finiteOrNull(last.test_loss),
      test_acc: finiteOrNull(last.test_acc),
      steps: run.steps,
      wall_s: (performance.now() - started) / 1e3,
      steps_per_s: run.trainMs > 0 ? run.steps / (run.trainMs / 1e3) : 0,
      history,
    };
  } finally {
    trainer.dispose();
  }
}

/** Parses `config`, checks that it fits in the engine, generates its dataset, and trains on a fresh Engine. */
export async function train(config: Partial<RunConfig> | unknown, onProgress?: (p: RunProgress) => void): Promise<RunRecord> {
  const parsed = parseRunConfig(config);
  const engine = await Engine.create();
  checkRunMemory(parsed, engine.wasm);
  checkBatchSize(parsed);
  const dataset = await makeDataset(parsed.dataset);
  return trainOnData(engine, featureMajorData(dataset), parsed, onProgress);
}

/** A metric as a record stores it: null where it is NaN or infinite (JSON has neither). */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

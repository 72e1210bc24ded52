// One training run: trainOnData (synchronous, runs inside a worker on an Engine it is
// given) and train (the async convenience: parse, generate the dataset, run).
import { trainingData } from '../data/dataset.js';
import { makeDataset } from '../data/generator.js';
import type { TrainingData } from '../data/types.js';
import { modelFromConfig, parseRunConfig, totalSteps } from './config.js';
import { Engine } from './engine.js';
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

/**
 * Trains `config` on `data` inside `engine`. Evaluates train and test loss/accuracy at
 * step 0, every `evalEvery` steps and at the end (only at the end when evalEvery is 0);
 * a non-finite training loss stops the run with status 'diverged'. `steps_per_s`
 * counts training steps over the time spent training (evaluation excluded); `wall_s`
 * is the whole run.
 */
export function trainOnData(engine: Engine, data: TrainingData, config: RunConfig, onProgress?: (p: RunProgress) => void): RunRecord {
  const started = performance.now();
  const trainer = trainerForConfig(engine, config, data.features);
  try {
    trainer.setData(data, config.shuffleSeq ? engine.permutation(data.features, SHUFFLE_SEQ_SEED) : undefined);
    const total = totalSteps(config, data.y.length);
    const history: EvalPoint[] = [];
    const evaluate = (step: number): EvalPoint => {
      const train = trainer.evaluate('train');
      const test = trainer.evaluate('test');
      const point = { step, train_loss: train.loss, train_acc: train.acc, test_loss: test.loss, test_acc: test.acc };
      history.push(point);
      return point;
    };
    const every = config.evalEvery;
    if (every > 0) onProgress?.({ step: 0, totalSteps: total, point: evaluate(0) });
    let step = 0;
    let trainMs = 0;
    let reason: string | undefined;
    while (step < total) {
      const untilEval = every > 0 ? every - (step % every) : Infinity;
      const n = Math.min(total - step, untilEval, CHUNK_STEPS);
      const t0 = performance.now();
      const result = trainer.trainSteps(n);
      trainMs += performance.now() - t0;
      step += result.steps;
      if (result.diverged) {
        reason = `the training loss became non-finite at step ${step + 1} (lr ${config.lr})`;
        break;
      }
      const due = every > 0 && step % every === 0;
      onProgress?.({ step, totalSteps: total, ...(due && { point: evaluate(step) }) });
    }
    let last = history.at(-1);
    if (last?.step !== step) {
      last = evaluate(step);
      onProgress?.({ step, totalSteps: total, point: last });
    }
    return {
      config,
      status: reason ? 'diverged' : 'ok',
      ...(reason && { reason }),
      train_loss: finiteOrNull(last.train_loss),
      train_acc: finiteOrNull(last.train_acc),
      test_loss: finiteOrNull(last.test_loss),
      test_acc: finiteOrNull(last.test_acc),
      steps: step,
      wall_s: (performance.now() - started) / 1e3,
      steps_per_s: trainMs > 0 ? step / (trainMs / 1e3) : 0,
      history,
    };
  } finally {
    trainer.dispose();
  }
}

/** Parses `config`, generates its dataset, and trains on a fresh Engine. */
export async function train(config: Partial<RunConfig> | unknown, onProgress?: (p: RunProgress) => void): Promise<RunRecord> {
  const parsed = parseRunConfig(config);
  const dataset = await makeDataset(parsed.dataset);
  return trainOnData(await Engine.create(), trainingData(dataset), parsed, onProgress);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

// The 'metalearn-lr' task kind: one outer loop of the learning-rate meta-learning
// notebook (`metalearn-learn-rate`) from one starting learning rate, in one worker.
// Every outer step trains an MLP 40-H(tanh)-10 from the same initial parameters
// (PyTorch's, bit for bit, after torch.manual_seed(seed)) for `innerSteps` steps of
// plain SGD on the training rows in order, takes the exact gradient of the mean inner
// training loss with respect to the learning rate (forward mode through the unrolled
// loop, src/meta), and moves the learning rate by `-outerLr` times that gradient.
import { z } from 'zod';
import type { FeatureMajorData } from '../data/types.js';
import { MetaSession } from '../meta/meta-gradient.js';
import { torchLinearInit } from '../meta/torch-init.js';
import { ConfigError, finite, integer, parseConfig } from '../schema.js';
import type { TaskKind } from '../sweep/task-kind.js';
import type { ProgressListener, TaskRecord } from '../sweep/task.js';
import type { Engine } from '../train/engine.js';

/** One start's outer loop, without its starting learning rate (the study's settings take these too). */
export const outerLoopFields = {
  innerSteps: integer({ min: 1, max: 100_000 }),
  outerSteps: integer({ min: 1, max: 100_000 }),
  outerLr: finite({ min: 0, exclusiveMin: true }),
  batchSize: integer({ min: 1, max: 65536 }),
  hidden: integer({ min: 1, max: 4096 }),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
};

const configSchema = z.strictObject({ initialLr: finite({ min: 0, exclusiveMin: true }), ...outerLoopFields });

export type MetalearnLrConfig = z.output<typeof configSchema>;

export type MetalearnLrRecord = {
  config: MetalearnLrConfig;
  status: 'ok';
  /** The learning rate before each outer step, then after the last (outerSteps + 1 values). */
  lr: number[];
  /** Per outer step: the meta-loss (mean inner training loss), the last inner loss, d(meta-loss)/d(lr). */
  metaLoss: number[];
  finalLoss: number[];
  metaGrad: number[];
  finalLr: number;
  /** True when the learning rate left (0, ∞) or a loss was not finite; the loop stopped there. */
  diverged: boolean;
  wall_s: number;
};

/** The 'metalearn-lr' task kind: one dataset (the training rows of the inner loop). */
export const metalearnLrKind: TaskKind<MetalearnLrConfig> = {
  parseConfig: (config, where) => parseConfig(configSchema, config, where),
  datasets(_config, listed, where) {
    if (listed.length !== 1) throw new ConfigError(`${where}: a metalearn-lr task needs one dataset, got ${listed.length}`, where);
    return listed;
  },
  run: (engine, data, config, onProgress) => outerLoop(engine, data, config, onProgress),
  failedRecord: (config, reason, wallSeconds) => ({ config, status: 'failed', reason, lr: [], metaLoss: [], finalLoss: [], metaGrad: [], finalLr: null, diverged: false, wall_s: wallSeconds }),
};

async function outerLoop(engine: Engine, data: FeatureMajorData[], config: MetalearnLrConfig, onProgress: ProgressListener): Promise<TaskRecord> {
  const started = performance.now();
  const problem = {
    dataset: 'default',
    rows: 'sequential',
    batchSize: config.batchSize,
    steps: config.innerSteps,
    metaLoss: { lastLosses: config.innerSteps },
    model: { sizes: [data[0].features, config.hidden, 10], activation: 'tanh' },
    optimizer: { name: 'sgd' },
    initialParams: Array.from(torchLinearInit(config.seed, [data[0].features, config.hidden, 10])),
  };
  const session = await MetaSession.create(problem, { engine, data: data[0] });
  const record: MetalearnLrRecord = { config, status: 'ok', lr: [config.initialLr], metaLoss: [], finalLoss: [], metaGrad: [], finalLr: config.initialLr, diverged: false, wall_s: 0 };
  try {
    let lr = config.initialLr;
    for (let step = 0; step < config.outerSteps; step++) {
      const { metaLoss, metaGrad, losses } = session.gradient({ lr });
      const grad = metaGrad as number;
      record.metaLoss.push(metaLoss);
      record.finalLoss.push(losses[losses.length - 1]);
      record.metaGrad.push(grad);
      lr -= config.outerLr * grad;
      record.lr.push(lr);
      onProgress({ step: step + 1, totalSteps: config.outerSteps });
      if (!(lr > 0 && Number.isFinite(lr) && Number.isFinite(metaLoss))) {
        record.diverged = true;
        break;
      }
    }
    record.finalLr = lr;
  } finally {
    session.dispose();
  }
  record.wall_s = (performance.now() - started) / 1000;
  return record as unknown as TaskRecord;
}

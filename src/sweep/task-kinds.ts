// The registry of task kinds a worker can run: kind -> function of (engine,
// datasets, config, onProgress) returning a JSON record. To add a kind, write its
// module (e.g. kinds/lottery.ts) and add one line below; workers import this file.
import type { TrainingData } from '../data/types.js';
import type { Engine } from '../train/engine.js';
import type { ProgressListener, TaskRecord } from './task.js';
import { trainKind } from './kinds/train.js';
import { lotteryChainKind } from '../experiments/lottery-chain.js';
import { metalearnLrKind } from '../experiments/metalearn-lr-task.js';

export type TaskKind = (
  engine: Engine,
  data: TrainingData[],
  config: unknown,
  onProgress: ProgressListener,
) => TaskRecord | Promise<TaskRecord>;

export const taskKinds: Readonly<Record<string, TaskKind>> = {
  train: trainKind,
  'lottery-chain': lotteryChainKind,
  'metalearn-lr': metalearnLrKind,
};

// The run config and run record shared by train/, sweep/ and experiments/.
import type { DatasetArgs } from '../data/types.js';
import type { PoolKind } from '../models/presets.js';
import type { OptimizerName } from './optimizers.js';

export type ModelName = 'linear' | 'mlp' | 'cnn' | 'gru' | 'mlp3' | 'convpool';
export type { PoolKind };
export type { OptimizerName };
export type BatchOrder = 'sequential' | 'shuffle';

/** One training run, camelCase as the `train` flags; defaults applied by the run-config schema. */
export interface RunConfig {
  model: ModelName;
  hidden?: number; // mlp, mlp3, gru
  channels?: number; // cnn, convpool
  pool?: PoolKind; // convpool
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  steps?: number; // exactly one of steps / epochs
  epochs?: number;
  batchOrder: BatchOrder;
  evalEvery: number; // 0 = evaluate only at the end
  seed: number; // init seed (batch-order shuffles derive from it too)
  shuffleSeq: boolean; // the notebook's fixed spatial permutation of the 40 positions
  dataset: Partial<DatasetArgs>; // parseRunConfig fills in every field
}

/** Metrics at one evaluation. Accuracies are fractions in [0, 1]. */
export interface EvalPoint {
  step: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
}

export type RunStatus = 'ok' | 'diverged' | 'failed';

/** The plain JSON record of one run (one line of results.jsonl). */
export interface RunRecord {
  key?: string; // stable key of the config (sweeps)
  config: RunConfig;
  status: RunStatus;
  reason?: string; // why a run diverged or failed
  train_loss: number | null;
  train_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  steps: number; // steps actually taken
  wall_s: number;
  steps_per_s: number;
  history: EvalPoint[];
}

/** Progress of a run, reported from inside a worker between chunks of steps. */
export interface RunProgress {
  step: number;
  totalSteps: number;
  point?: EvalPoint; // present right after an evaluation
}

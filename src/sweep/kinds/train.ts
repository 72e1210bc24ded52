// The built-in 'train' kind: one training run of a RunConfig on datasets[0].
import type { TrainingData } from '../../data/types.js';
import { parseRunConfig } from '../../train/config.js';
import type { Engine } from '../../train/engine.js';
import { trainOnData } from '../../train/run.js';
import type { ProgressListener, TaskRecord } from '../task.js';

export function trainKind(engine: Engine, data: TrainingData[], config: unknown, onProgress: ProgressListener): TaskRecord {
  const record = trainOnData(engine, data[0], parseRunConfig(config, 'config'), onProgress);
  return record as unknown as TaskRecord;
}

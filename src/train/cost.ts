// The work of a training run in multiply-adds, for weighing runs against each other
// (a sweep's progress and ETA): forward and backward passes (about three forward
// passes) per training example, one forward pass per example evaluated.
import { compileModel } from '../models/compile.js';
import { modelFromConfig, totalSteps } from './config.js';
import { datasetShape, type DataShape } from './memory.js';
import type { RunConfig } from './types.js';

export function runCost(config: RunConfig, shape: DataShape = datasetShape(config.dataset)): number {
  const macs = compileModel(modelFromConfig(config, shape.features)).macsPerExample;
  const steps = totalSteps(config, shape.nTrain);
  // at step 0 and every evalEvery steps, and at the end (trainLoop)
  const evaluations = config.evalEvery > 0 ? Math.floor(steps / config.evalEvery) + 1 + (steps % config.evalEvery ? 1 : 0) : 1;
  return macs * (3 * steps * config.batchSize + evaluations * (shape.nTrain + shape.nTest));
}

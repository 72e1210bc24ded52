// mnist1d: the package root.
export { ConfigError } from './schema.js';
export type { DatasetArgs, Dataset, TrainingData } from './data/types.js';
export type { RunConfig, RunRecord, EvalPoint, RunProgress } from './train/types.js';

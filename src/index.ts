// mnist1d: the package root.
export { ConfigError } from './schema.js';
export type { DatasetArgs, Dataset, TrainingData } from './data/types.js';
export type { RunConfig, RunRecord, EvalPoint, RunProgress } from './train/types.js';
export { defaultDatasetArgs, parseDatasetArgs, toReferenceArgs, fromReferenceArgs } from './data/args.js';
export { Generator, loadGenerator, makeDataset, notebookPermutation, type DrawKind } from './data/generator.js';
export { trainingData, toFloat32 } from './data/dataset.js';
export { toNpy, fromNpy, type Npy, type NpyArray, type NpyDtype } from './data/npy.js';
export { toNpz, fromNpz } from './data/npz.js';
export { encodeDataset, DATASET_FORMATS, FLOAT_DTYPES, type DatasetFormat, type EncodedFile, type FloatDtype } from './data/formats.js';
export type { SaveOptions } from './data/save.js';

/** Node only: writes a dataset to a folder (see data/save.ts); loaded on demand so the root stays browser-safe. */
export async function saveDataset(...args: Parameters<typeof import('./data/save.js').saveDataset>): Promise<string[]> {
  const specifier = './data/save.js'; // non-literal: bundlers leave the Node module out
  const { saveDataset: save } = (await import(/* @vite-ignore */ specifier)) as typeof import('./data/save.js');
  return save(...args);
}
export { runSweep, type SweepOptions, type SweepResult } from './sweep/sweep.js';
export { expandGrid } from './sweep/grid.js';
export { runKey } from './sweep/normalize.js';
export { InProcessExecutor } from './sweep/in-process.js';
export { WorkerPool, type WorkerFactory, type WorkerHandle } from './sweep/pool.js';
export { TaskError, type SweepTask, type PreparedTask, type TaskRecord } from './sweep/task.js';
export type { Executor } from './sweep/executor.js';
export type { SweepEvent } from './sweep/events.js';
export { Engine } from './train/engine.js';
export { Trainer, type TrainerOptions } from './train/trainer.js';
export { parseRunConfig, modelFromConfig, totalSteps } from './train/config.js';
export { train, trainOnData } from './train/run.js';
export { metaGradient, MetaSession, type MetaGradientOptions, type MetaGradientResult, type MetaSessionOptions, type MetaParameter } from './meta/meta-gradient.js';
export { parseMetaProblem, type MetaProblem, type MetaShape } from './meta/problem.js';
export { torchLinearInit } from './meta/torch-init.js';
export { linearModel, mlpModel, mlp3Model, cnnModel, gruModel, convPoolModel } from './models/presets.js';
export { validateModel, type ModelSpec, type LayerSpec } from './models/spec.js';
export { compileModel, type ParamInfo } from './models/compile.js';
export { studies, getStudy, resolveSettings, type AnyStudy, type Study, type StudySummary, type Effects } from './experiments/index.js';
export type { StudyRunOptions, StudyRunResult } from './experiments/run-study.js';

/** Node only: runs one of the paper's studies end to end (sweep, summary, figures); see experiments/run-study.ts. */
export async function runStudy(...args: Parameters<typeof import('./experiments/run-study.js').runStudy>): Promise<import('./experiments/run-study.js').StudyRunResult> {
  const specifier = './experiments/run-study.js'; // non-literal: bundlers leave the Node module out
  const { runStudy: run } = (await import(/* @vite-ignore */ specifier)) as typeof import('./experiments/run-study.js');
  return run(...args);
}

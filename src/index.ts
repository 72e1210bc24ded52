// mnist1d: the package root.
import { taskKinds } from './experiments/task-kinds.js';
import { InProcessExecutor as InProcessExecutorWith } from './sweep/in-process.js';
import { runSweep as runSweepWith, type SweepOptions, type SweepResult } from './sweep/sweep.js';
import type { TaskKinds } from './sweep/task-kind.js';
import type { RunRecord } from './train/types.js';

export { ConfigError } from './schema.js';
export type { DatasetArgs, Dataset, TrainingData, FeatureMajorData } from './data/types.js';
export type { RunConfig, RunRecord, EvalPoint, RunProgress } from './train/types.js';
export { defaultDatasetArgs, parseDatasetArgs, toReferenceArgs, fromReferenceArgs } from './data/args.js';
export { Generator, loadGenerator, makeDataset, notebookPermutation, type DrawKind } from './data/generator.js';
export { trainingData, featureMajorData, toFeatureMajor, toFloat32 } from './data/dataset.js';
export { toNpy, fromNpy, type Npy, type NpyArray, type NpyDtype } from './data/npy.js';
export { toNpz, fromNpz } from './data/npz.js';
export { encodeDataset, DATASET_FORMATS, FLOAT_DTYPES, type DatasetFormat, type EncodedFile, type FloatDtype } from './data/formats.js';
export type { SaveOptions } from './data/save.js';

/** Node only: writes a dataset to a folder (see data/save.ts); loaded on demand so the root stays browser-safe. */
export async function saveDataset(...args: Parameters<typeof import('./data/save.js').saveDataset>): Promise<string[]> {
  const specifier = './data/save.js'; // non-literal: bundlers leave the Node module out
  const { saveDataset: save } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import('./data/save.js');
  return save(...args);
}
export type { SweepOptions, SweepResult } from './sweep/sweep.js';

/** runSweep (sweep/sweep.ts) with the package's task kinds for its default worker pool unless options name others. */
export function runSweep<R = RunRecord>(input: readonly unknown[], options: SweepOptions = {}): Promise<SweepResult<R>> {
  return runSweepWith<R>(input, { kinds: taskKinds, ...options });
}
export { taskKinds } from './experiments/task-kinds.js';
export type { TaskKind, TaskKinds } from './sweep/task-kind.js';
export { expandGrid } from './sweep/grid.js';
export { runKey } from './sweep/normalize.js';
/** InProcessExecutor (sweep/in-process.ts) running the package's task kinds unless given others. */
export class InProcessExecutor extends InProcessExecutorWith {
  constructor(kinds: TaskKinds = taskKinds) {
    super(kinds);
  }
}
export { WorkerPool, type WorkerFactory, type WorkerHandle } from './sweep/pool.js';
export { TaskError, type SweepTask, type PreparedTask, type WireTask, type TaskRecord } from './sweep/task.js';
export type { Executor } from './sweep/executor.js';
export type { SweepEvent } from './sweep/events.js';
export { Engine } from './train/engine.js';
export { Trainer, type TrainerOptions } from './train/trainer.js';
export { parseRunConfig, modelFromConfig, totalSteps } from './train/config.js';
export { train, trainOnData, trainLoop, type TrainLoop, type TrainLoopResult } from './train/run.js';
export { metaGradient, MetaSession, type MetaGradientOptions, type MetaGradientResult, type MetaSessionOptions, type MetaParameter, type MetaTrainOptions, type MetaTrainResult, type ActivationValues } from './meta/meta-gradient.js';
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
  const { runStudy: run } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import('./experiments/run-study.js');
  return run(...args);
}

// What a task kind declares, so that a coordinator can validate and key its tasks
// and a worker can run one from its JSON alone ({kind, config, datasets}). The sweep
// knows no kind by name: a registry (TaskKinds) is assembled above it, where workers
// are built (src/experiments/task-kinds.ts), and handed to the executors.
import type { DatasetArgs, FeatureMajorData } from '../data/types.js';
import type { KernelSizes } from '../models/compile.js';
import { ConfigError } from '../schema.js';
import type { Engine } from '../train/engine.js';
import type { ProgressListener, TaskRecord } from './task.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TaskKind<C = any> {
  /**
   * Validates a config and fills in its defaults: the form that is keyed, sent to the
   * worker and recorded. Must be idempotent (a worker parses what the coordinator
   * parsed). `where` prefixes the field names of errors ("tasks[3].config").
   */
  parseConfig(config: unknown, where: string): C;
  /** The datasets a task runs on: from its config, or the validated args the task lists. */
  datasets(config: C, listed: DatasetArgs[], where: string): DatasetArgs[];
  /**
   * Throws a ConfigError naming the field (prefixed by `where`) when a task cannot fit
   * in one engine's memory; `kernels` sizes the engine's scratch. Checked for every
   * task before any runs.
   */
  checkMemory?(config: C, kernels: KernelSizes, where: string): void;
  /**
   * The work a task takes, in multiply-adds, so that progress and the ETA weigh a long
   * task more than a short one. A sweep with a task whose kind has no cost counts tasks equally.
   */
  cost?(config: C): number;
  /** Runs one task inside a worker, on its datasets in the order datasets() gave them. */
  run(engine: Engine, data: FeatureMajorData[], config: C, onProgress: ProgressListener): TaskRecord | Promise<TaskRecord>;
  /** The record of a task that did not finish: `reason` is "CODE: message", nothing measured. */
  failedRecord(config: C, reason: string, wallSeconds: number): TaskRecord;
  /** A short label for progress displays; default: the kind, the config's word-valued fields and its seed. */
  describe?(config: C): string;
}

/** The kinds an executor runs, by name. */
export interface TaskKinds {
  readonly kinds: Readonly<Record<string, TaskKind>>;
  /**
   * The kind of a bare config in a sweep's input. Its tasks are identified by their
   * config alone (the key hashes the config) and its records carry no `kind` field;
   * every other kind's key hashes {kind, config, datasets} and its records carry `kind`.
   */
  readonly plain: string;
}

/** The kind registered as `name`; a ConfigError naming `where` and the known kinds otherwise. */
export function kindNamed(kinds: TaskKinds, name: string, where: string): TaskKind {
  if (!Object.hasOwn(kinds.kinds, name)) {
    throw new ConfigError(`${where} must be a registered task kind (${Object.keys(kinds.kinds).join(', ')}), got ${JSON.stringify(name)}`, where);
  }
  return kinds.kinds[name];
}

/** The kind of a stored record (records of the plain kind carry none). */
export function recordKind(kinds: TaskKinds, record: { kind?: string }): string {
  return record.kind ?? kinds.plain;
}

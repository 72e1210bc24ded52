// What crosses Redis, and its checks on arrival. A job's data is a task's JSON
// ({kind, config, datasets}: a WireTask) and its id the task's key; its return value
// is a JobReply. Nothing from the queue is trusted: a worker re-validates a job with
// the same schemas the coordinator used (normalizeTasks, through its own enabled
// kinds) and refuses one whose id is not the key of what it would run; the
// coordinator checks the shape of every reply before it records anything.
import { z } from 'zod';
import { ConfigError, oneOf, parseConfig } from '../schema.js';
import { canonicalJson } from './canonical.js';
import { describeValue, normalizeTasks } from './normalize.js';
import type { TaskKinds } from './task-kind.js';
import type { PreparedTask, TaskRecord, WireTask } from './task.js';

/** Longest job payload a worker parses, in JSON characters (a task is a few hundred). */
export const MAX_PAYLOAD_CHARS = 64 * 1024;
/** Most datasets a task may list. */
const MAX_DATASETS = 8;

/** A job's return value; `worker` names the machine and worker that ran it ("host/2"). */
export type JobReply = { ok: true; record: TaskRecord; worker: string } | { ok: false; error: { code: string; message: string }; worker: string };

const payloadSchema = z.strictObject({
  kind: z.string({ error: 'must be a task kind (a string)' }).min(1).max(64),
  config: z.unknown(),
  datasets: z.array(z.unknown(), { error: 'must be an array of dataset args' }).max(MAX_DATASETS),
});

const replySchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    record: z.looseObject({ config: z.record(z.string(), z.unknown()), status: oneOf(['ok', 'diverged', 'failed']), reason: z.string().optional() }),
    worker: z.string(),
  }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }), worker: z.string() }),
]);

/** The job data of a prepared task. */
export function jobPayload(task: PreparedTask): WireTask {
  return { kind: task.kind, config: task.config, datasets: task.datasets };
}

/**
 * The task a job stands for, validated by `kinds` (the kinds this worker enables):
 * a ConfigError naming the field when the payload is malformed, names a kind not
 * enabled, fails a schema, or its id is not the key of the task it describes.
 */
export function parseJobPayload(data: unknown, jobId: string | undefined, kinds: TaskKinds): PreparedTask {
  const size = (JSON.stringify(data) ?? '').length;
  if (size > MAX_PAYLOAD_CHARS) throw new ConfigError(`job payload must be at most ${MAX_PAYLOAD_CHARS} characters of JSON, got ${size}`, 'job');
  const payload = parseConfig(payloadSchema, data, 'job');
  // A bare config is the plain kind's input form; its datasets follow from the config.
  const [task] = normalizeTasks([{ kind: payload.kind, config: payload.config, datasets: payload.kind === kinds.plain ? [] : payload.datasets }], kinds);
  if (canonicalJson(task.datasets) !== canonicalJson(payload.datasets)) {
    throw new ConfigError(`job.datasets must be the datasets of its config (${describeValue(task.datasets)}), got ${describeValue(payload.datasets)}`, 'job.datasets');
  }
  if (task.key !== jobId) throw new ConfigError(`job id must be the key of its task (${task.key}), got ${JSON.stringify(jobId)}`, 'job.id');
  return task;
}

/** A job's return value, checked; a ConfigError naming the job when it is not a JobReply. */
export function parseJobReply(value: unknown, jobId: string): JobReply {
  return parseConfig(replySchema, value, `reply of job ${jobId}`) as JobReply;
}

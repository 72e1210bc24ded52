// What crosses Redis, and its checks on arrival. A job's data is a task's JSON
// ({kind, config, datasets}: a WireTask) and its id the task's key; its return value
// is a JobReply. Nothing from the queue is trusted: a worker re-validates a job with
// the same schemas the coordinator used (normalizeTasks, through its own enabled
// kinds) and refuses one whose id is not the key of what it would run; the
// coordinator checks the shape of every reply before it records anything.
// A batch job (name BATCH_JOB) carries several tasks, each with its key; its id is
// derived from the keys (batchJobId) and each member is validated as a single job
// is, so one bad member is refused alone. Its return value is a BatchReply.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, oneOf, parseConfig } from '../schema.js';
import { canonicalJson } from './canonical.js';
import { describeValue, normalizeTasks } from './normalize.js';
import type { TaskKinds } from './task-kind.js';
import { describeError, type PreparedTask, type TaskRecord, type WireTask } from './task.js';

/** Longest job payload a worker parses, in JSON characters (a task is a few hundred). */
export const MAX_PAYLOAD_CHARS = 64 * 1024;
/** Most datasets a task may list. */
const MAX_DATASETS = 8;

/** Most tasks one batch job may hold. */
export const MAX_BATCH = 100;
/** The BullMQ job name of a batch job (a single task's job is named 'task'). */
export const BATCH_JOB = 'batch';

/** A job's return value; `worker` names the machine and worker that ran it ("host/2"). */
export type JobReply = { ok: true; record: TaskRecord; worker: string } | { ok: false; error: { code: string; message: string }; worker: string };

/** A batch job's data: its member tasks, each with its key, in the order of the reply. */
export interface BatchPayload {
  members: { key: string; task: WireTask }[];
}

/** A batch job's return value: one reply per member, in order; or one failure that stands for every member (the batch as a whole was refused). */
export type BatchReply = { members: JobReply[] } | Extract<JobReply, { ok: false }>;

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

const batchSchema = z.strictObject({
  members: z
    .array(z.strictObject({ key: z.string().min(1).max(128), task: z.unknown() }), { error: 'must be an array of {key, task}' })
    .min(2)
    .max(MAX_BATCH),
});

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
  checkSize(data, MAX_PAYLOAD_CHARS, 'job');
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

/** The id of the batch job of tasks with these keys, in this order: the same members give the same id, so enqueueing it again is a no-op. */
export function batchJobId(keys: readonly string[]): string {
  return `batch-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32)}`;
}

/** The job data of a batch of prepared tasks. */
export function batchPayload(tasks: readonly PreparedTask[]): BatchPayload {
  return { members: tasks.map((task) => ({ key: task.key, task: jobPayload(task) })) };
}

/** One member of a batch job: its key and its task, or why it was refused. */
export type BatchMember = { key: string; task: PreparedTask } | { key: string; error: { code: string; message: string } };

/**
 * The members of a batch job, each validated as parseJobPayload validates a single
 * job (its key standing for the job id): a refused member carries its error and the
 * others still run. A ConfigError when the batch itself is malformed or its id is
 * not batchJobId of its members' keys.
 */
export function parseBatchPayload(data: unknown, jobId: string | undefined, kinds: TaskKinds): BatchMember[] {
  checkSize(data, MAX_PAYLOAD_CHARS * MAX_BATCH, 'batch job');
  const { members } = parseConfig(batchSchema, data, 'batch job');
  const keys = members.map((m) => m.key);
  if (new Set(keys).size !== keys.length) throw new ConfigError('batch job.members must have distinct keys', 'batch job.members');
  if (jobId !== batchJobId(keys)) throw new ConfigError(`batch job id must be the id of its members' keys (${batchJobId(keys)}), got ${JSON.stringify(jobId)}`, 'batch job.id');
  return members.map(({ key, task }) => {
    try {
      return { key, task: parseJobPayload(task, key, kinds) };
    } catch (error) {
      return { key, error: describeError(error) };
    }
  });
}

/** A batch job's return value as one reply per member (`count` of them); a ConfigError naming the job when it is neither form of a BatchReply. */
export function parseBatchReply(value: unknown, jobId: string, count: number): JobReply[] {
  const field = `reply of job ${jobId}`;
  if (typeof value === 'object' && value !== null && 'members' in value) {
    const schema = z.strictObject({ members: z.array(z.unknown(), { error: 'must be an array of replies' }).length(count, { error: `must hold ${count} replies, one per member` }) });
    return parseConfig(schema, value, field).members.map((member, i) => parseJobReply(member, `${jobId} member ${i}`));
  }
  const reply = parseJobReply(value, jobId);
  if (reply.ok) throw new ConfigError(`${field} must be {members: [...]} or a failure, got a single record`, field);
  return Array.from({ length: count }, () => reply);
}

function checkSize(data: unknown, max: number, field: string): void {
  const size = (JSON.stringify(data) ?? '').length;
  if (size > max) throw new ConfigError(`${field} payload must be at most ${max} characters of JSON, got ${size}`, field);
}

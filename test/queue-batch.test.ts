// Batch jobs (QueueExecutor's `batch`) against a real redis-server on loopback and two
// `mnist1d worker` processes: a batched sweep records each run once, equal to the
// local worker pool's; a hostile member inside a batch is refused alone and recorded
// failed, its batch-mates still run. Needs the build (`npm test` runs it first).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCrashTest } from '../src/experiments/task-kinds.js';
import { createNodePool } from '../src/sweep/node-pool.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import { QUEUE_NAME } from '../src/sweep/queue-connection.js';
import { parseQueueUrl } from '../src/sweep/queue-url.js';
import { QueueExecutor } from '../src/sweep/queue-executor.js';
import { BATCH_JOB, batchJobId, jobPayload, type BatchReply } from '../src/sweep/queue-payload.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { TaskRecord } from '../src/sweep/task.js';
import { LocalRedis, skipQueueTests, startTestWorker, waitFor, type WorkerProcess } from './queue-redis.js';

/** A training run of a few hundredths of a second. */
const run = { model: 'mlp', hidden: 16, steps: 100, evalEvery: 50, dataset: { numSamples: 400 } };

/** A record without what may differ between machines: timings and where it ran (JSON, as results.jsonl stores it). */
function comparable(record: TaskRecord): unknown {
  const { wall_s: _w, steps_per_s: _s, worker: _m, ...rest } = record;
  return JSON.parse(JSON.stringify(rest));
}

describe.skipIf(skipQueueTests)('batch jobs on BullMQ + Redis', () => {
  let redis: LocalRedis;
  let connection: Redis;
  let queue: Queue;
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    redis = await LocalRedis.start();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAME, { connection });
    workers.push(...(await Promise.all(['b1', 'b2'].map((name) => startTestWorker(redis.url, name)))));
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill();
    await queue?.close();
    connection?.disconnect();
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a sweep in batch jobs: each run recorded once, equal to the local pool', async () => {
    const input = [...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((seed) => ({ ...run, seed })), { kind: 'crash-test', config: { mode: 'throw' } }];
    const outDir = mkdtempSync(join(tmpdir(), 'mnist1d-batch-'));
    dirs.push(outDir);
    const events = new QueueEvents(QUEUE_NAME, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    const added: string[] = [];
    events.on('added', ({ jobId }) => added.push(jobId));
    await events.waitUntilReady();
    const executor = await QueueExecutor.connect({ url: parseQueueUrl(redis.url), kinds: withCrashTest(), inFlight: 2, batch: 4, pollMs: 250 });
    expect(executor.concurrency).toBe(8);
    const result = await runSweep<TaskRecord>(input, { executor, outDir }).finally(() => executor.close());
    await events.close();

    const keys = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
    expect(keys.sort()).toEqual(result.records.map((r) => r.key).sort());
    expect(new Set(keys).size).toBe(input.length);
    expect(result.records.map((r) => r.status)).toEqual([...Array(9).fill('ok'), 'failed']);
    expect(result.records[9].reason).toMatch(/^CRASH_TEST: /);
    expect(added.filter((id) => id.startsWith('batch-')).length, `jobs added: ${added.join(' ')}`).toBeGreaterThan(0);
    expect(added.length).toBeLessThan(input.length); // fewer jobs than runs

    const pool = await createNodePool({ kinds: withCrashTest(), size: 2 });
    const local = await runSweep<TaskRecord>(input, { executor: pool }).finally(() => pool.close());
    expect(result.records.map(comparable)).toEqual(local.records.map(comparable));
  });

  it('refuses a hostile member alone: its batch-mates run, and the coordinator records it failed', async () => {
    const input = [41, 42].map((seed) => ({ ...run, seed }));
    const [good, target] = normalizeTasks(input, withCrashTest());
    const hostile = { kind: 'train', config: { model: 'mlp', steps: -1 }, datasets: [] };
    const plant = (members: { key: string; task: unknown }[], jobId = batchJobId(members.map((m) => m.key))) => queue.add(BATCH_JOB, { members }, { jobId });
    const planted = { key: good.key, task: jobPayload(good) };

    // Straight into the queue: a batch with a hostile member, and one whose id is not its members'.
    await plant([planted, { key: target.key, task: hostile }], 'batch-direct');
    await plant([planted, { key: target.key, task: hostile }]);
    const reply = async (id: string) => (await queue.getJob(id))?.returnvalue as BatchReply | null;
    const direct = batchJobId([good.key, target.key]);
    await waitFor(async () => Boolean((await reply('batch-direct')) && (await reply(direct))), 'replies to the planted batches');
    expect(await reply('batch-direct')).toMatchObject({ ok: false, error: { code: 'CONFIG_ERROR', message: expect.stringMatching(/batch job id/) } });
    expect(await reply(direct)).toMatchObject({ members: [{ ok: true, record: { status: 'ok' } }, { ok: false, error: { code: 'CONFIG_ERROR' } }] });
    await queue.remove(direct);

    // Planted under the ids the coordinator's batch will have (in either order): its enqueue is a no-op, the worker refuses the hostile member.
    await plant([planted, { key: target.key, task: hostile }]);
    await plant([{ key: target.key, task: hostile }, planted]);
    const executor = await QueueExecutor.connect({ url: parseQueueUrl(redis.url), kinds: withCrashTest(), batch: 2, pollMs: 250 });
    const { records } = await runSweep<TaskRecord>(input, { executor }).finally(() => executor.close());
    expect(records[0]).toMatchObject({ key: good.key, status: 'ok' });
    expect(records[1]).toMatchObject({ key: target.key, status: 'failed' });
    expect(records[1].reason).toMatch(/^CONFIG_ERROR: /);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  });
});

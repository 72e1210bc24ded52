// The distributed executor against a real redis-server on loopback (started here) and
// three `mnist1d worker` processes: a worker SIGKILLed mid-run, Redis SIGKILLed and
// restarted, the coordinator SIGKILLed and resumed, hostile job payloads; every run
// is recorded exactly once and the records equal the local worker pool's. Needs the
// build (`npm test` runs it first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCrashTest } from '../src/experiments/task-kinds.js';
import { createNodePool } from '../src/sweep/node-pool.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import { QUEUE_NAME } from '../src/sweep/queue-connection.js';
import { parseQueueUrl } from '../src/sweep/queue-url.js';
import { QueueExecutor } from '../src/sweep/queue-executor.js';
import type { JobProgress } from '../src/sweep/queue-worker.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { TaskRecord } from '../src/sweep/task.js';
import { bin, LocalRedis, repoRoot, skipQueueTests, startTestWorker, waitFor, type WorkerProcess } from './queue-redis.js';

/** A training run of a few tenths of a second. */
const run = { model: 'mlp', hidden: 64, steps: 600, evalEvery: 200, dataset: { numSamples: 1000 } };

/** Training runs, a diverging run, a task that throws and one that kills its worker thread. */
function tasks(seeds: number[]): unknown[] {
  return [
    ...seeds.map((seed) => ({ ...run, seed })),
    { model: 'mlp', hidden: 64, optimizer: 'sgd', lr: 1e6, steps: 200, dataset: { numSamples: 1000 } },
    { kind: 'crash-test', config: { mode: 'throw' } },
    { kind: 'crash-test', config: { mode: 'exit' } },
  ];
}

/** A record as results.jsonl stores it (JSON: NaN is null), without what may differ between machines: timings and where it ran. */
function comparable(record: TaskRecord): unknown {
  const { wall_s: _w, steps_per_s: _s, worker: _m, ...rest } = record;
  return JSON.parse(JSON.stringify(rest));
}

function resultKeys(dir: string): string[] {
  const text = readFileSync(join(dir, 'results.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

describe.skipIf(skipQueueTests)('sweeps on BullMQ + Redis with worker machines that die', () => {
  let redis: LocalRedis;
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist1d-queue-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    redis = await LocalRedis.start();
    workers.push(...(await Promise.all(['w1', 'w2', 'w3'].map((name) => startTestWorker(redis.url, name)))));
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill();
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('records every run once, equal to the local pool, though a worker is SIGKILLed mid-run and Redis is SIGKILLed and restarted', async () => {
    const input = tasks([1, 2, 3, 4, 5, 6]);
    const outDir = tempDir();
    const executor = await QueueExecutor.connect({ url: parseQueueUrl(redis.url), kinds: withCrashTest(), inFlight: 16, pollMs: 250 });
    let killedKey: string | undefined;
    let restart: Promise<void> | undefined;
    let done = 0;
    const retried: string[] = [];
    const result = await runSweep<TaskRecord>(input, {
      executor,
      outDir,
      onEvent: (event) => {
        if (event.type === 'run-progress' && !killedKey) {
          const { worker, step, totalSteps } = event.progress as JobProgress;
          if (worker === 'w1/0' && step < totalSteps) {
            killedKey = event.key;
            workers[0].kill('SIGKILL');
          }
        }
        if (event.type === 'run-retry') retried.push(event.key);
        if (event.type === 'run-end' && ++done === 3) restart = redis.kill().then(() => redis.launch());
      },
    }).finally(() => executor.close());
    await restart;

    expect(killedKey, 'w1 ran a training run and was killed during it').toBeDefined();
    const keys = resultKeys(outDir);
    expect(keys.length).toBe(input.length);
    expect(new Set(keys).size).toBe(input.length);
    const byKey = new Map(result.records.map((r) => [r.key, r]));
    expect(byKey.get(killedKey!)?.status).toBe('ok');
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'diverged', 'failed', 'failed']);
    expect(result.records[7].reason).toMatch(/^CRASH_TEST: /);
    expect(result.records[8].reason).toMatch(/^WORKER_EXIT: /);
    expect(retried).toEqual([result.records[8].key]); // the worker thread died twice: retried once, then recorded failed
    expect(result.records.filter((r) => r.status === 'ok').every((r) => /^w[123]\/0$/.test(String(r.worker)))).toBe(true);

    const pool = await createNodePool({ kinds: withCrashTest(), size: 2 });
    const local = await runSweep<TaskRecord>(input, { executor: pool }).finally(() => pool.close());
    expect(result.records.map(comparable)).toEqual(local.records.map(comparable));
  });

  it('collects the runs that finished while the coordinator was dead, and runs nothing twice', async () => {
    workers.push(await startTestWorker(redis.url, 'w4')); // w1 is dead
    const dir = tempDir();
    const grid = join(dir, 'grid.json');
    const seeds = [11, 12, 13, 14, 15, 16];
    writeFileSync(grid, JSON.stringify({ base: run, axes: { seed: seeds } }));
    const outDir = join(dir, 'out');
    const results = join(outDir, 'results.jsonl');
    const args = [bin, 'sweep', '--grid', grid, '--queue', redis.url, '--out', outDir];
    const coordinator = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    await waitFor(() => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 2, 'two records');
    coordinator.kill('SIGKILL');
    const recordedBefore = resultKeys(outDir).length;
    const finished = () => workers.flatMap((w) => w.finished());
    const keys = normalizeTasks(
      seeds.map((seed) => ({ ...run, seed })),
      withCrashTest(),
    ).map((t) => t.key);
    await waitFor(() => keys.every((key) => finished().includes(key)), 'the workers to finish every job');

    const resumed = spawnSync(process.execPath, [...args, '--resume'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`6 runs (${recordedBefore} skipped as already done), 0 failed`);
    expect(resultKeys(outDir).sort()).toEqual([...keys].sort());
    const started = workers.flatMap((w) => w.started()).filter((key) => keys.includes(key));
    expect(started.sort()).toEqual([...keys].sort()); // each run started exactly once, on some worker
  });

  it('a worker stopped by two Ctrl-C hands its running job back, and another worker finishes it', async () => {
    const input = [{ ...run, steps: 6000, seed: 21 }];
    const executor = await QueueExecutor.connect({ url: parseQueueUrl(redis.url), kinds: withCrashTest(), pollMs: 250 });
    let stopped: WorkerProcess | undefined;
    const { records } = await runSweep<TaskRecord>(input, {
      executor,
      onEvent: (event) => {
        if (event.type !== 'run-progress' || stopped) return;
        stopped = workers.find((w) => `${w.name}/0` === (event.progress as JobProgress).worker);
        stopped?.kill('SIGINT');
        setTimeout(() => stopped?.kill('SIGINT'), 100);
      },
    }).finally(() => executor.close());
    expect(stopped).toBeDefined();
    expect(await stopped!.exited).toBe(0);
    expect(stopped!.log).toMatch(/handed [0-9a-f]{16} back to the queue/);
    expect(records[0]).toMatchObject({ status: 'ok', steps: 6000 });
    expect(records[0].worker).not.toBe(`${stopped!.name}/0`);
    workers.push(await startTestWorker(redis.url, 'w5'));
  });

  it('refuses hostile job payloads on the worker side, and the coordinator records such a job failed', async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    try {
      const hostile: [string, unknown][] = [
        ['wrong-types', { kind: 'train', config: { model: 'mlp', steps: 'many' }, datasets: [] }],
        ['unknown-kind', { kind: 'shell', config: { command: 'rm -rf /' }, datasets: [] }],
        ['huge', { kind: 'train', config: { model: 'mlp', dataset: { numSamples: 1e12 } }, datasets: [] }],
        ['proto', JSON.parse('{"kind":"train","config":{"model":"mlp","__proto__":{"polluted":true}},"datasets":[]}')],
        ['not-a-task', 'process.exit(1)'],
      ];
      for (const [id, data] of hostile) await queue.add('task', data, { jobId: `hostile-${id}` });
      const replies = async () => Promise.all(hostile.map(async ([id]) => (await queue.getJob(`hostile-${id}`))?.returnvalue as { ok: boolean; error?: { code: string } } | null));
      await waitFor(async () => (await replies()).every((r) => r), 'replies to the hostile jobs');
      for (const reply of await replies()) expect(reply).toMatchObject({ ok: false, error: { code: 'CONFIG_ERROR' } });

      // A hostile payload planted under the key of a real task: the coordinator's enqueue is a no-op, the worker refuses it.
      const input = [{ model: 'mlp', hidden: 8, steps: 50, seed: 99 }];
      const [task] = normalizeTasks(input, withCrashTest());
      await queue.add('task', { kind: 'train', config: { model: 'mlp', steps: -1 }, datasets: [] }, { jobId: task.key });
      const executor = await QueueExecutor.connect({ url: parseQueueUrl(redis.url), kinds: withCrashTest(), pollMs: 250 });
      const { records } = await runSweep<TaskRecord>(input, { executor }).finally(() => executor.close());
      expect(records[0]).toMatchObject({ key: task.key, status: 'failed' });
      expect(records[0].reason).toMatch(/^CONFIG_ERROR: /);
      expect(workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).length).toBe(3); // the killed and the stopped one aside, all are up
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});

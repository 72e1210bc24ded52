// The distributed queue's cost: the same sweep on the local worker pool and through
// BullMQ + a private redis-server (AOF, appendfsync everysec, as in production) with
// 1, 2 and 4 `mnist1d worker` processes on this machine, for short (0.1 s) and long
// (5 s) runs. Per-job overhead = (queue wall - pool wall) * workers / jobs. Both sides
// are warmed first (workers started, dataset made), so the difference is the queue's.
// The 0.1 s runs go through the queue a second time in batch jobs of BATCH runs
// (QueueExecutor's `batch`): overhead per run, and the coordinator's CPU per run.
// Then the queue's own limits, with no training: Redis CPU time per job (a bare
// BullMQ job's whole life: add, fetch, complete, event, remove) and per progress
// update; the coordinator's CPU time per job of the 0.1 s sweeps above and per progress
// event it receives. The saturation model of docs/distributed.md is fitted to these;
// a full (not --quick) run rewrites the measured block there.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { packagePath } from '../src/engine/node-files.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import type { Executor } from '../src/sweep/executor.js';
import { InProcessExecutor } from '../src/sweep/in-process.js';
import { createNodePool } from '../src/sweep/node-pool.js';
import { parseQueueUrl } from '../src/sweep/queue-url.js';
import { QueueExecutor } from '../src/sweep/queue-executor.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { TaskRecord } from '../src/sweep/task.js';
import type { RunRecord } from '../src/train/types.js';
import { LocalRedis, WorkerProcess } from './local-queue.js';
import { formatTable, type BenchOptions, type BenchTable } from './table.js';

const RUN = { model: 'mlp', hidden: 100, evalEvery: 0, dataset: { numSamples: 4000 } };
const PROCESSES = [1, 2, 4];
/** Runs per batch job in the batched 0.1 s sweeps. */
const BATCH = 20;
/** Progress updates a running job sends per second (queue-worker.ts: one per 500 ms). */
const PROGRESS_PER_S = 2;
/** The fleet the model is asked about: 100 machines x 16 cores. */
const FLEET_SLOTS = 1600;
const DOC = 'docs/distributed.md';
const BEGIN = '<!-- bench:queue:begin -->';
const END = '<!-- bench:queue:end -->';

interface QueueLimits {
  redisCpuPerJobMs: number;
  redisCpuPerProgressMs: number;
  coordinatorCpuPerJobMs: number;
  /** In batch jobs of BATCH runs, per run. */
  coordinatorCpuPerBatchedRunMs: number;
  coordinatorCpuPerProgressMs: number;
  roundTripUs: number;
}



export async function queueSection(options: BenchOptions = { quick: false }): Promise<BenchTable> {
  const stepsPerS = await calibrate();
  const lengths = options.quick ? [0.1, 1] : [0.1, 5];
  const redis = await LocalRedis.start('everysec');
  const url = parseQueueUrl(redis.url);
  const admin = new Redis(redis.url);
  const rows: (string | number)[][] = [];
  let seed = 1;
  let identical = true;
  const loadBefore = loadavg()[0];
  const coordinator = { cpuS: 0, jobs: 0 }; // over the 0.1 s sweeps
  const batchedCoordinator = { cpuS: 0, jobs: 0 }; // over the batched 0.1 s sweeps
  try {
    for (const processes of PROCESSES) {
      const workers = await Promise.all(Array.from({ length: processes }, (_, i) => WorkerProcess.start(redis.url, `bench${i}`)));
      const pool = await createNodePool({ kinds: taskKinds, size: processes });
      const queue = await QueueExecutor.connect({ url, kinds: taskKinds, inFlight: 4 * processes });
      const batched = await QueueExecutor.connect({ url, kinds: taskKinds, inFlight: 2 * processes, batch: BATCH });
      try {
        const warmUp = Array.from({ length: processes }, () => ({ ...RUN, steps: 10, seed: seed++ }));
        await runSweep(warmUp, { executor: pool });
        await runSweep(warmUp, { executor: queue });
        for (const length of lengths) {
          const jobs = length < 1 ? (options.quick ? 4 : 10) * processes : processes;
          const configs = Array.from({ length: jobs }, () => ({ ...RUN, steps: Math.max(1, Math.round(length * stepsPerS)), seed: seed++ }));
          const local = await timed(configs, pool);
          const commandsBefore = await infoField(admin, 'stats', 'total_commands_processed');
          const cpuBefore = process.cpuUsage(); // this process is only the coordinator here
          const remote = await timed(configs, queue);
          if (length < 1) {
            coordinator.cpuS += cpuSeconds(process.cpuUsage(cpuBefore));
            coordinator.jobs += jobs;
          }
          const commands = (await infoField(admin, 'stats', 'total_commands_processed')) - commandsBefore;
          identical &&= JSON.stringify(local.records.map(comparable)) === JSON.stringify(remote.records.map(comparable));
          const overheadS = ((remote.seconds - local.seconds) * processes) / jobs;
          rows.push([`${length} s`, String(processes), String(jobs), local.seconds, remote.seconds, overheadS * 1e3, `${((overheadS / length) * 100).toFixed(1)} %`, commands / jobs]);
        }
        // Batched: enough 0.1 s runs for two full batches per worker process.
        const runs = 2 * BATCH * processes;
        const configs = Array.from({ length: runs }, () => ({ ...RUN, steps: Math.max(1, Math.round(0.1 * stepsPerS)), seed: seed++ }));
        const local = await timed(configs, pool);
        const commandsBefore = await infoField(admin, 'stats', 'total_commands_processed');
        const cpuBefore = process.cpuUsage();
        const remote = await timed(configs, batched);
        batchedCoordinator.cpuS += cpuSeconds(process.cpuUsage(cpuBefore));
        batchedCoordinator.jobs += runs;
        const commands = (await infoField(admin, 'stats', 'total_commands_processed')) - commandsBefore;
        identical &&= JSON.stringify(local.records.map(comparable)) === JSON.stringify(remote.records.map(comparable));
        const overheadS = ((remote.seconds - local.seconds) * processes) / runs;
        rows.push([`0.1 s, batch ${BATCH}`, String(processes), `${runs} runs`, local.seconds, remote.seconds, overheadS * 1e3, `${((overheadS / 0.1) * 100).toFixed(1)} %`, commands / runs]);
      } finally {
        await batched.close();
        await queue.close();
        await pool.close();
        for (const worker of workers) worker.kill('SIGTERM');
        await Promise.all(workers.map((w) => w.exited));
      }
    }
    const limits = {
      ...(await measureLimits(redis.url, admin, options.quick ? 300 : 2000)),
      coordinatorCpuPerJobMs: (coordinator.cpuS * 1e3) / coordinator.jobs,
      coordinatorCpuPerBatchedRunMs: (batchedCoordinator.cpuS * 1e3) / batchedCoordinator.jobs,
    };
    const table: BenchTable = {
      title: 'Distributed queue (BullMQ + Redis on loopback) against the local pool',
      columns: ['run length', 'worker processes', 'jobs', 'local pool wall s', 'queue wall s', 'overhead per run ms', 'overhead / run', 'Redis commands per run'],
      rows,
      notes: [
        `Records identical (timings and worker names aside) on the pool and through the queue: ${identical ? 'yes' : 'NO'}.`,
        `Batch ${BATCH}: the same 0.1 s runs, ${BATCH} per job (\`--batch ${BATCH}\`); coordinator CPU ${limits.coordinatorCpuPerBatchedRunMs.toFixed(2)} ms per run against ${limits.coordinatorCpuPerJobMs.toFixed(2)} ms unbatched.`,
        'Redis commands per run: every client counted (coordinator, workers, their blocking waits and progress updates, one per 500 ms of a run).',
        `Load average of the machine (other processes included): ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, on ${availableParallelism()} cores.`,
        `Queue costs: Redis CPU ${limits.redisCpuPerJobMs.toFixed(3)} ms per job (a bare BullMQ job: add, fetch, complete, event, remove) and ${limits.redisCpuPerProgressMs.toFixed(3)} ms per progress update; coordinator CPU ${limits.coordinatorCpuPerJobMs.toFixed(2)} ms per job (over the 0.1 s sweeps: validation, enqueue, events, record) and ${limits.coordinatorCpuPerProgressMs.toFixed(3)} ms per progress event received; a Redis round trip on loopback ${limits.roundTripUs.toFixed(0)} us.`,
        ...modelNotes(limits),
      ],
    };
    if (!options.quick) writeDoc(table);
    return table;
  } finally {
    admin.disconnect();
    await redis.stop();
  }
}

/** Training steps per second of RUN on one core. */
async function calibrate(): Promise<number> {
  const executor = new InProcessExecutor(taskKinds);
  const { records } = await runSweep<RunRecord>([{ ...RUN, steps: 300, seed: 0 }], { executor });
  return records[0].steps_per_s;
}

async function timed(configs: unknown[], executor: Executor): Promise<{ seconds: number; records: TaskRecord[] }> {
  const start = performance.now();
  const { records } = await runSweep<TaskRecord>(configs, { executor });
  return { seconds: (performance.now() - start) / 1e3, records };
}

function comparable(record: TaskRecord): unknown {
  const { wall_s: _w, steps_per_s: _s, worker: _m, ...rest } = record;
  return rest;
}

/** A numeric field of Redis INFO (e.g. stats total_commands_processed, cpu used_cpu_user). */
async function infoField(redis: Redis, section: string, field: string): Promise<number> {
  const match = new RegExp(`^${field}:([\\d.]+)`, 'm').exec(await redis.info(section));
  if (!match) throw new Error(`Redis INFO ${section} has no ${field}`);
  return Number(match[1]);
}

async function redisCpuS(redis: Redis): Promise<number> {
  return (await infoField(redis, 'cpu', 'used_cpu_user')) + (await infoField(redis, 'cpu', 'used_cpu_sys'));
}

/** Bare BullMQ jobs (no-op processor, removed after, as the coordinator does) and bare progress updates. */
async function measureLimits(url: string, admin: Redis, jobs: number): Promise<Omit<QueueLimits, 'coordinatorCpuPerJobMs' | 'coordinatorCpuPerBatchedRunMs'>> {
  const connections = [0, 1].map(() => new Redis(url, { maxRetriesPerRequest: null }));
  const queue = new Queue('mnist1d-bench', { connection: connections[0] });
  let done = 0;
  const worker = new Worker('mnist1d-bench', async () => ({ ok: true }), { connection: connections[1], concurrency: 32, removeOnComplete: { count: 0 } });
  try {
    await worker.waitUntilReady();
    let cpu = await redisCpuS(admin);
    const finished = new Promise<void>((resolve) => worker.on('completed', () => ++done === jobs && resolve()));
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `bench-${i}` } })));
    await finished;
    const redisCpuPerJobMs = (((await redisCpuS(admin)) - cpu) * 1e3) / jobs;
    await worker.close(); // the progress job must stay put

    const job = await queue.add('progress', {}, { jobId: 'bench-progress' });
    cpu = await redisCpuS(admin);
    for (let i = 0; i < jobs; i++) await job.updateProgress({ step: i, totalSteps: jobs });
    const redisCpuPerProgressMs = (((await redisCpuS(admin)) - cpu) * 1e3) / jobs;

    const coordinatorCpuPerProgressMs = await progressListenerCpuMs(url, admin, jobs);
    const start = performance.now();
    for (let i = 0; i < 200; i++) await admin.ping();
    const roundTripUs = ((performance.now() - start) * 1e3) / 200;
    return { redisCpuPerJobMs, redisCpuPerProgressMs, coordinatorCpuPerProgressMs, roundTripUs };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connections.forEach((c) => c.disconnect());
  }
}

/**
 * The coordinator's CPU time per progress event: `count` events written straight into
 * a queue's event stream, received by a QueueEvents as the coordinator's, less the
 * cost of writing them (measured alone first).
 */
async function progressListenerCpuMs(url: string, admin: Redis, count: number): Promise<number> {
  const write = async (queue: string) => {
    const pipeline = admin.pipeline();
    for (let i = 0; i < count; i++) pipeline.xadd(`bull:${queue}:events`, '*', 'event', 'progress', 'jobId', `job-${i % 64}`, 'data', JSON.stringify({ step: i, totalSteps: count, worker: 'bench/0' }));
    await pipeline.exec();
  };
  let before = process.cpuUsage();
  await write('mnist1d-bench-unheard');
  const writeS = cpuSeconds(process.cpuUsage(before));
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const events = new QueueEvents('mnist1d-bench-heard', { connection, lastEventId: '0-0' }); // a fresh stream: read it all
  try {
    await events.waitUntilReady();
    let received = 0;
    const all = new Promise<void>((resolve) => events.on('progress', () => ++received === count && resolve()));
    before = process.cpuUsage();
    await write('mnist1d-bench-heard');
    await all;
    return (Math.max(0, cpuSeconds(process.cpuUsage(before)) - writeS) * 1e3) / count;
  } finally {
    await events.close();
    connection.disconnect();
    await admin.del('bull:mnist1d-bench-unheard:events', 'bull:mnist1d-bench-heard:events');
  }
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/**
 * The saturation model (docs/distributed.md): one Redis (one core) and one coordinator
 * serve S busy slots running jobs of L seconds while, for each,
 * S/L * perJob + S * PROGRESS_PER_S * perProgress < 1.
 */
function modelNotes(limits: QueueLimits): string[] {
  const side = (perJobMs: number, perProgressMs: number) => {
    const progressShare = FLEET_SLOTS * PROGRESS_PER_S * (perProgressMs / 1e3);
    return { jobsPerS: 1e3 / perJobMs, progressShare, shortestS: progressShare < 1 ? (FLEET_SLOTS * perJobMs) / 1e3 / (1 - progressShare) : Infinity };
  };
  const redis = side(limits.redisCpuPerJobMs, limits.redisCpuPerProgressMs);
  const coordinator = side(limits.coordinatorCpuPerJobMs, limits.coordinatorCpuPerProgressMs);
  const shortest = Math.max(redis.shortestS, coordinator.shortestS);
  const batch = (runS: number) => Math.max(1, Math.ceil(shortest / runS));
  // Batched, the coordinator still pays per run (the record, its append): the shortest run it keeps the fleet busy with.
  const batchedShortest = side(limits.coordinatorCpuPerBatchedRunMs, limits.coordinatorCpuPerProgressMs).shortestS;
  const perCent = (share: number) => `${(share * 100).toFixed(0)} %`;
  return [
    '',
    `Model: Redis alone sustains about ${Math.round(redis.jobsPerS).toLocaleString('en-US')} jobs/s, the coordinator about ${Math.round(coordinator.jobsPerS).toLocaleString('en-US')} jobs/s; the progress updates of ${FLEET_SLOTS} busy slots take ${perCent(redis.progressShare)} of Redis and ${perCent(coordinator.progressShare)} of the coordinator.`,
    Number.isFinite(shortest)
      ? `Shortest job that keeps 100 machines x 16 cores busy: ${shortest.toFixed(1)} s. Shorter runs should be batched: ${batch(0.1)} runs of 0.1 s or ${batch(2)} runs of 2 s per job. Batched (${BATCH} per job), the coordinator's CPU per run bounds the shortest run at ${batchedShortest.toFixed(1)} s; shorter runs need several coordinators (split sweeps).`
      : `At 100 machines x 16 cores the progress updates alone would saturate ${redis.progressShare >= 1 ? 'Redis' : 'the coordinator'}: such a fleet needs fewer progress updates per run, whatever the run length.`,
  ];
}

/** Replaces the measured block of docs/distributed.md with this table. */
function writeDoc(table: BenchTable): void {
  const path = packagePath(DOC);
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC} has no ${BEGIN} ... ${END} block to fill`);
  const block = `${BEGIN}\n${formatTable(table)}\n\n_Measured ${new Date().toISOString().slice(0, 10)} by \`node dist/bench/run.js --sections queue\`._\n${END}`;
  writeFileSync(path, text.slice(0, begin) + block + text.slice(end + END.length));
}

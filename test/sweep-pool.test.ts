// The worker pool and runSweep, end to end on tiny runs. The pool starts
// dist/workers/node-trainer.js: build first (`npm test` does).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/schema.js';
import type { SweepEvent } from '../src/sweep/events.js';
import type { Executor } from '../src/sweep/executor.js';
import { InProcessExecutor } from '../src/sweep/in-process.js';
import { compileWasm } from '../src/engine/wasm.js';
import { taskKinds, withCrashTest } from '../src/experiments/task-kinds.js';
import { createNodePool, nodeWorkerFactory } from '../src/sweep/node-pool.js';
import { normalizeTasks, runKey } from '../src/sweep/normalize.js';
import { WorkerPool, type WorkerFactory } from '../src/sweep/pool.js';
import { RESULTS_FILE, ResultsStore } from '../src/sweep/results-store.js';
import { runSweep } from '../src/sweep/sweep.js';
import { TaskError } from '../src/sweep/task.js';
import type { RunRecord } from '../src/train/types.js';

const tiny = { steps: 300, evalEvery: 100, dataset: { numSamples: 1000 } };
const configs = [
  { model: 'linear', seed: 1 },
  { model: 'mlp', hidden: 32, seed: 1 },
  { model: 'linear', seed: 2, dataset: { numSamples: 1000, seed: 7 } },
  { model: 'mlp', hidden: 32, seed: 2 },
].map((c) => ({ ...tiny, ...c }));

/** A record without its timings: what must not depend on where or when a run ran. */
const metrics = ({ wall_s, steps_per_s, ...rest }: RunRecord) => rest;

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-sweep-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let reference: RunRecord[] | undefined;

describe('runSweep', () => {
  it('gives identical records with 1 worker, 2 workers and in-process', async () => {
    const events: SweepEvent[] = [];
    const one = await runSweep(configs, { kinds: taskKinds, workers: 1 });
    const two = await runSweep(configs, { kinds: taskKinds, workers: 2, onEvent: (e) => events.push(e) });
    const inProcess = await runSweep(configs, { executor: new InProcessExecutor(taskKinds) });
    reference = one.records;

    expect(one.records.map((r) => r.key)).toEqual(configs.map((c) => runKey(c)));
    for (const record of one.records) {
      expect(record.status).toBe('ok');
      expect(record.steps).toBe(300);
      expect(record.history.map((p) => p.step)).toEqual([0, 100, 200, 300]);
      expect(record.test_acc).toBeGreaterThan(0.15); // better than chance (0.1): it really trained
    }
    expect(two.records.map(metrics)).toEqual(one.records.map(metrics));
    expect(inProcess.records.map(metrics)).toEqual(one.records.map(metrics));
    // Different seeds and datasets give different runs.
    expect(one.records[0].test_loss).not.toBe(one.records[2].test_loss);

    // Events: every run starts and ends once, on a lane < concurrency; progress reaches the end.
    const start = events[0];
    expect(start).toEqual({ type: 'sweep-start', total: 4, pending: 4, skipped: 0, concurrency: 2 });
    const ends = events.filter((e) => e.type === 'run-end');
    expect(ends.map((e) => e.index).sort()).toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.type === 'run-start' || e.type === 'run-end').every((e) => 'lane' in e && e.lane < 2)).toBe(true);
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last).toMatchObject({ done: 4, total: 4, failed: 0, etaS: 0 });
    for (const e of events) if (e.type === 'run-progress') expect(e.progress.step).toBeLessThanOrEqual(e.progress.totalSteps);
    expect(events.at(-1)).toMatchObject({ type: 'sweep-end', done: 4, cancelled: false });
  });

  it('sends a dataset once per worker, in shared memory, or as a transferred copy where memory cannot be shared', async () => {
    const posted: { view: ArrayBufferView; length: number }[] = []; // length when posted
    const spawn = nodeWorkerFactory();
    const factory: WorkerFactory = () => {
      const handle = spawn();
      const post = handle.endpoint.postMessage.bind(handle.endpoint);
      handle.endpoint.postMessage = (message, transfer) => {
        collectViews(message, posted);
        post(message, transfer);
      };
      return handle;
    };
    const module = await compileWasm('engine');
    const pool = new WorkerPool({ size: 2, factory, kinds: taskKinds, module });
    const unsharing = new WorkerPool({ size: 1, factory, kinds: taskKinds, module, shareMemory: false });
    try {
      const runs = [1, 2, 3, 4, 5, 6].map((seed) => ({ ...tiny, model: 'linear', steps: 50, seed }));
      const { records } = await runSweep<RunRecord>(runs, { executor: pool });
      expect(records.map((r) => r.status)).toEqual(runs.map(() => 'ok'));
      const xs = posted.filter((p) => p.view instanceof Float32Array && p.length === 800 * 40).map((p) => p.view); // x: (800 train rows, 40)
      expect(xs).toHaveLength(2); // one per worker, not one per run
      expect(xs[0].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(xs[1].buffer).toBe(xs[0].buffer); // both workers read one copy

      // Unshared data (a page that is not cross-origin isolated) travels as a copy; same result.
      const [task] = normalizeTasks([configs[0]], taskKinds);
      posted.length = 0;
      const record = await unsharing.run(task);
      expect({ key: task.key, ...metrics(record as unknown as RunRecord) }).toEqual(metrics(reference![0]));
      const sent = posted.filter((p) => p.view instanceof Float32Array && p.length === 800 * 40).map((p) => p.view);
      expect(sent).toHaveLength(1);
      expect(sent[0].buffer).toBeInstanceOf(ArrayBuffer);
      expect(sent[0].byteLength).toBe(0); // transferred away: it was a copy, the pool's own data is untouched
      const { data } = await unsharing.datasets.get(task.datasets[0]);
      expect(data.x.length).toBe(800 * 40);
      expect(data.x.buffer).toBeInstanceOf(ArrayBuffer);
    } finally {
      await pool.close();
      await unsharing.close();
    }
  });

  it('retries a run whose worker died (exit, uncaught error, out of memory) once, then records it as failed; the other runs complete', async () => {
    // A 64 MiB JS heap per worker: plenty for training (the data lives in shared and wasm memory), quick to exhaust.
    const pool = await createNodePool({ size: 2, kinds: withCrashTest(), resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const retries: string[] = [];
    try {
      const tasks = [
        configs[0],
        { kind: 'crash-test', config: { mode: 'exit' } },
        configs[1],
        { kind: 'crash-test', config: { mode: 'uncaught' } },
        { kind: 'crash-test', config: { mode: 'throw' } },
        configs[2],
        { kind: 'crash-test', config: { mode: 'oom' } },
        configs[3],
      ];
      const result = await runSweep<RunRecord & { kind?: string }>(tasks, {
        executor: pool,
        onEvent: (e) => e.type === 'run-retry' && retries.push(`${e.index}: ${e.reason}`),
      });
      // One retry each for the three runs whose worker died.
      expect(retries.sort()).toEqual([
        expect.stringMatching(/^1: WORKER_EXIT: the worker exited with code 70$/),
        expect.stringMatching(/^3: WORKER_ERROR: the worker crashed: crash-test: uncaught error/),
        expect.stringMatching(/^6: WORKER_OUT_OF_MEMORY: the worker ran out of memory/),
      ]);
      const [exit, uncaught, thrown, oom] = [1, 3, 4, 6].map((i) => result.records[i]);
      expect(exit).toMatchObject({ kind: 'crash-test', status: 'failed', reason: 'WORKER_EXIT: the worker exited with code 70' });
      expect(uncaught).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^WORKER_ERROR: .*uncaught error in the worker/) });
      // A task that throws is not retried: its worker is fine and the error is deterministic.
      expect(thrown).toMatchObject({ status: 'failed', reason: 'CRASH_TEST: crash-test: the task threw' });
      expect(oom).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^WORKER_OUT_OF_MEMORY: /) });
      expect(result.failed).toBe(4);
      const trained = [0, 2, 5, 7].map((i) => result.records[i]);
      expect(trained.map(metrics)).toEqual(reference!.map(metrics));
      // Dead workers were replaced and nothing else died.
      expect(pool.liveWorkers).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
    expect(pool.liveWorkers).toBe(0);
  });

  it('cancels promptly with an AbortSignal: workers terminated, finished records kept whole', async () => {
    const dir = tempDir();
    const pool = await createNodePool({ size: 2, kinds: withCrashTest() });
    const controller = new AbortController();
    const hang = (id: number) => ({ kind: 'crash-test', config: { mode: 'hang', id } });
    let hanging = 0;
    let abortedAt = 0;
    const sweep = runSweep([configs[0], hang(1), hang(2), configs[1]], {
      executor: pool,
      outDir: dir,
      signal: controller.signal,
      onEvent: (e) => {
        // Both workers hang (inside a synchronous loop) shortly after the second hang starts.
        if (e.type === 'run-start' && e.label === 'crash-test hang' && ++hanging === 2) {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 300);
        }
      },
    });
    const error = await sweep.then(
      () => undefined,
      (e: unknown) => e,
    );
    const stopS = (performance.now() - abortedAt) / 1e3;
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('ABORTED');
    expect(stopS).toBeLessThan(2); // the hanging workers were terminated, not waited for
    expect(pool.liveWorkers).toBe(0); // both were hanging: both terminated
    await pool.close();
    // The store holds exactly the finished run, as whole lines.
    const text = readFileSync(join(dir, RESULTS_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n').map((line) => JSON.parse(line).key)).toEqual([runKey(configs[0])]);
    expect(ResultsStore.open(dir, { resume: true }).size).toBe(1);
  });

  it('stops every run when the sweep itself fails, recording none of them as failed', async () => {
    const dir = tempDir();
    const pool = await createNodePool({ size: 2, kinds: withCrashTest() });
    const sweep = runSweep([configs[0], { kind: 'crash-test', config: { mode: 'hang' } }, configs[1]], {
      executor: pool,
      outDir: dir,
      onEvent: (e) => {
        if (e.type === 'run-end') throw new Error('the listener broke');
      },
    });
    // It settles at all only because the hanging run was stopped.
    await expect(sweep).rejects.toThrow('the listener broke');
    await pool.close();
    const lines = readFileSync(join(dir, RESULTS_FILE), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ key: runKey(configs[0]), status: 'ok' }]);
  });

  it('cancels an in-process run at its next progress report', async () => {
    const controller = new AbortController();
    const long = { ...tiny, model: 'mlp', steps: 200_000, evalEvery: 0 };
    const sweep = runSweep([long], {
      executor: new InProcessExecutor(taskKinds),
      signal: controller.signal,
      onEvent: (e) => e.type === 'run-progress' && controller.abort(),
    });
    await expect(sweep).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('records a diverged run with its reason, next to the runs that trained', async () => {
    const dir = tempDir();
    const diverging = { ...tiny, model: 'mlp', optimizer: 'sgd', lr: 1e6, evalEvery: 0 };
    const { records, failed } = await runSweep<RunRecord>([configs[0], diverging], { executor: new InProcessExecutor(taskKinds), outDir: dir });
    expect(failed).toBe(0);
    expect(records[0].status).toBe('ok');
    expect(records[1]).toMatchObject({ status: 'diverged', reason: expect.stringMatching(/non-finite/), test_loss: null });
    const stored = readFileSync(join(dir, RESULTS_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(stored.map((r) => r.status)).toEqual(['ok', 'diverged']);
  });

  it('resumes from results.jsonl without running recorded runs again', async () => {
    const dir = tempDir();
    const first = await runSweep(configs.slice(0, 2), { executor: new InProcessExecutor(taskKinds), outDir: dir });
    await expect(runSweep(configs, { executor: new InProcessExecutor(taskKinds), outDir: dir })).rejects.toThrow(/already exists \(2 records\)/);
    const executor = new InProcessExecutor(taskKinds);
    const run = vi.spyOn(executor, 'run');
    const resumed = await runSweep(configs, { executor, outDir: dir, resume: true });
    expect(resumed.skipped).toBe(2);
    expect(run).toHaveBeenCalledTimes(2);
    expect(resumed.records.slice(0, 2)).toEqual(first.records); // the stored records, timings included
    expect(resumed.records.slice(2).map(metrics)).toEqual(reference!.slice(2).map(metrics));
    const keys = readFileSync(join(dir, RESULTS_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line).key);
    expect(keys.sort()).toEqual(configs.map((c) => runKey(c)).sort());
  });

  it('rejects bad configs before any work starts, naming the entry', async () => {
    const dir = join(tempDir(), 'out');
    const executor: Executor = { concurrency: 1, kinds: taskKinds, run: vi.fn(), close: vi.fn(async () => {}) };
    const sweep = runSweep([configs[0], { ...configs[1], lr: -1 }], { executor, outDir: dir });
    await expect(sweep).rejects.toThrow(ConfigError);
    await expect(runSweep([configs[0], { ...configs[1], lr: -1 }], { executor, outDir: dir })).rejects.toThrow(/^runs\[1\]\.lr must be a number > 0, got -1$/);
    await expect(runSweep([configs[0], configs[0]], { executor, outDir: dir })).rejects.toThrow(/runs\[1\] is the same run as runs\[0\]/);
    await expect(runSweep(configs, { kinds: taskKinds, workers: 0 })).rejects.toThrow(/^workers must be an integer >= 1, got 0$/);
    expect(executor.run).not.toHaveBeenCalled();
    expect(existsSync(dir)).toBe(false);
  });
});

/** Every typed array reachable from a posted message, with its length at that moment. */
function collectViews(value: unknown, out: { view: ArrayBufferView; length: number }[], seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    out.push({ view: value, length: (value as Float32Array).length });
    return;
  }
  for (const item of Object.values(value)) collectViews(item, out, seen);
}

describe('sweep progress', () => {
  it('weighs runs by their cost: after the one long run, the ETA is a small part of the time taken', async () => {
    const long = { model: 'mlp', hidden: 200, steps: 600, evalEvery: 0, dataset: { numSamples: 1000 } };
    const short = (seed: number) => ({ model: 'linear', steps: 5, evalEvery: 0, seed, dataset: { numSamples: 1000 } });
    const events: SweepEvent[] = [];
    await runSweep([long, short(1), short(2), short(3)], { executor: new InProcessExecutor(taskKinds), onEvent: (e) => events.push(e) });
    const afterLong = events.find((e): e is Extract<SweepEvent, { type: 'progress' }> => e.type === 'progress' && e.done === 1)!;
    expect(afterLong.etaS).not.toBeNull();
    expect(afterLong.etaS!).toBeLessThan(0.1 * afterLong.elapsedS); // counting runs equally said 3 x elapsed
  });
});

// Task kinds as a registry: a kind declared in a test runs from its JSON alone
// ({kind, config, datasets}) through the in-process executor; the coordinator
// validates and keys tasks with the kinds' own declarations; a worker given only
// dataset args makes the data itself and gives the record it gives on shared data.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeDataset } from '../src/data/generator.js';
import { parseDatasetArgs } from '../src/data/args.js';
import { compileWasm } from '../src/engine/wasm.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { trainKind } from '../src/experiments/train-kind.js';
import { integer, parseConfig } from '../src/schema.js';
import { hashKey } from '../src/sweep/canonical.js';
import { DatasetCache } from '../src/sweep/datasets.js';
import { InProcessExecutor } from '../src/sweep/in-process.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import { runSweep } from '../src/sweep/sweep.js';
import type { TaskKind, TaskKinds } from '../src/sweep/task-kind.js';
import { TaskError, type TaskRecord } from '../src/sweep/task.js';
import { createWorkerApi } from '../src/sweep/worker-api.js';
import { configError } from './config-error.js';

/** Counts the training examples of one class and sums their first position (from the feature-major data). */
const countKind: TaskKind<{ label: number }> = {
  parseConfig: (config, where) => parseConfig(z.strictObject({ label: integer({ min: 0, max: 9 }) }), config, where),
  datasets: (_config, listed) => listed,
  run(_engine, [data], { label }) {
    const n = data.y.length;
    let count = 0;
    let firstPositionSum = 0;
    for (let i = 0; i < n; i++) {
      if (data.y[i] !== label) continue;
      count++;
      firstPositionSum += data.x[i]; // row 0 of x (features, n): position 0 of every example
    }
    return { config: { label }, status: 'ok', count, firstPositionSum };
  },
  failedRecord: (config, reason) => ({ config, status: 'failed', reason, count: null }),
};

const failingKind: TaskKind<Record<string, never>> = {
  parseConfig: (config) => config as Record<string, never>,
  datasets: () => [],
  run() {
    throw new TaskError('BROKEN', 'this kind always fails');
  },
  failedRecord: (config, reason, wallSeconds) => ({ config, status: 'failed', reason, tried_s: wallSeconds }),
};

const kinds: TaskKinds = { kinds: { train: trainKind, count: countKind, failing: failingKind }, plain: 'train' };
const run = { model: 'linear', steps: 20, evalEvery: 0, dataset: { numSamples: 200 } };

describe('task kinds', () => {
  it('runs a kind registered here from its JSON alone through the in-process executor', async () => {
    const tasks = [{ kind: 'count', config: { label: 3 }, datasets: [{ numSamples: 200, seed: 5 }] }, run, { kind: 'failing', config: {} }];
    const executor = new InProcessExecutor(kinds);
    const { records, failed } = await runSweep<TaskRecord>(tasks, { executor });
    await executor.close();

    const args = parseDatasetArgs({ numSamples: 200, seed: 5 });
    const ds = await makeDataset(args);
    const rows = [...ds.y.keys()].filter((i) => ds.y[i] === 3);
    expect(records[0]).toEqual({
      key: hashKey({ kind: 'count', config: { label: 3 }, datasets: [args] }),
      kind: 'count',
      config: { label: 3 },
      status: 'ok',
      count: rows.length,
      firstPositionSum: rows.reduce((sum, i) => sum + Math.fround(ds.x[i * 40]), 0),
    });
    // The plain kind's records carry no kind; its key is the hash of the config alone.
    expect(records[1]).not.toHaveProperty('kind');
    expect(records[1]).toMatchObject({ key: hashKey(normalizeTasks([run], kinds)[0].config), status: 'ok', steps: 20 });
    // A task that fails is recorded in its kind's own shape.
    expect(records[2]).toEqual({ key: expect.any(String), kind: 'failing', config: {}, status: 'failed', reason: 'BROKEN: this kind always fails', tried_s: expect.any(Number) });
    expect(failed).toBe(1);
  });

  it('sends a task as plain JSON: the coordinator parses its config and resolves its datasets', () => {
    const [count, train] = normalizeTasks([{ kind: 'count', config: { label: 3 }, datasets: [{ seed: 5 }] }, run], kinds);
    for (const task of [count, train]) expect(JSON.parse(JSON.stringify(task))).toEqual(task);
    expect(count.datasets).toEqual([parseDatasetArgs({ seed: 5 })]);
    expect(train.datasets).toEqual([parseDatasetArgs({ numSamples: 200 })]); // a run's dataset comes from its config
  });

  it('refuses unknown kinds and bad configs before any work, naming the entry', () => {
    expect(configError(() => normalizeTasks([run, { kind: 'nope', config: {} }], kinds)).message).toBe(
      'tasks[1].kind must be a registered task kind (train, count, failing), got "nope"',
    );
    expect(configError(() => normalizeTasks([{ kind: 'count', config: { label: 12 } }], kinds)).message).toMatch(/^tasks\[0\]\.config\.label must be an integer/);
    expect(configError(() => normalizeTasks([{ kind: 'train', config: run, datasets: [{}] }], kinds)).message).toMatch(
      /^tasks\[0\]\.datasets must be empty: a run trains on its config's "dataset"/,
    );
    const chain = normalizeTasks(lotteryTask(), taskKinds);
    expect(chain[0].kind).toBe('lottery-chain');
    expect(configError(() => normalizeTasks(lotteryTask([]), taskKinds)).message).toBe('tasks[0].datasets: a lottery chain needs one dataset, got 0');
  });

  it('a worker given only dataset args makes the data itself, with the record it gives on shared data', async () => {
    const module = await compileWasm('engine');
    const [task] = normalizeTasks([{ ...run, evalEvery: 10 }], taskKinds);
    const wire = { kind: task.kind, config: task.config, datasets: task.datasets };

    const alone = createWorkerApi(taskKinds);
    await alone.init(module, ['train']);
    const generated = await alone.run(wire, []);

    const fed = createWorkerApi(taskKinds);
    await fed.init(module, ['train']);
    const shared = await new DatasetCache(true).get(task.datasets[0]);
    expect(shared.data.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    const given = await fed.run(wire, [shared]);

    const untimed = (reply: typeof given) => {
      if (!reply.ok) throw new Error(reply.error.message);
      const { wall_s, steps_per_s, ...rest } = reply.record;
      return rest;
    };
    expect(untimed(generated)).toMatchObject({ status: 'ok', steps: 20 });
    expect(untimed(given)).toEqual(untimed(generated));
  });

  it('a worker refuses to enable a kind it was not built with', async () => {
    const api = createWorkerApi(taskKinds);
    await expect(api.init(await compileWasm('engine'), ['train', 'crash-test'])).rejects.toThrow(
      `kinds must be a registered task kind (${Object.keys(taskKinds.kinds).join(', ')}), got "crash-test"`,
    );
  });
});

/** One lottery-chain task without transfer, listing `datasets`. */
function lotteryTask(datasets: object[] = [{ numSamples: 200 }]) {
  const config = { hidden: 8, criterion: 'magnitude', seed: 1, levels: 2, steps: 5, evalEvery: 0, lr: 0.01, batchSize: 10, maskSparsities: [], curveSparsities: [], transfer: null };
  return [{ kind: 'lottery-chain', config, datasets }];
}

// Runs that cannot fit in the engine's memory are refused before anything is allocated,
// naming the field and the limit: in the library (train, trainOnData, Trainer), in grid
// and sweep validation before any run starts, and in the CLI; never a wasm abort.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureMajorData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import { compileModel } from '../src/models/compile.js';
import { gruModel } from '../src/models/presets.js';
import { getStudy, resolveSettings } from '../src/experiments/index.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import { ConfigError } from '../src/schema.js';
import { expandGrid } from '../src/sweep/grid.js';
import { runSweep } from '../src/sweep/sweep.js';
import { modelFromConfig, parseRunConfig } from '../src/train/config.js';
import { Engine } from '../src/train/engine.js';
import { runBlockBytes } from '../src/train/layout.js';
import { batchColumns, checkRunMemory, ENGINE_BLOCK_LIMIT, runMemoryNeeds } from '../src/train/memory.js';
import { train, trainOnData } from '../src/train/run.js';
import { Trainer } from '../src/train/trainer.js';
import { configError } from './config-error.js';

const repoRoot = resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe('the memory a run needs', () => {
  it('is what the trainer allocates: the run block, then the data block', async () => {
    const config = parseRunConfig({ model: 'gru', hidden: 20, batchSize: 300, optimizer: 'sgd', dataset: { numSamples: 500, finalSeqLength: 30 } });
    const needs = runMemoryNeeds(config, engine.wasm);
    const requests: number[] = [];
    const alloc = engine.alloc.bind(engine);
    engine.alloc = (bytes: number) => (requests.push(bytes), alloc(bytes));
    try {
      const data = featureMajorData(await makeDataset(config.dataset));
      trainOnData(engine, data, { ...config, steps: 1 });
    } finally {
      engine.alloc = alloc;
    }
    expect(requests).toEqual([needs.run, needs.data]);
  });

  it('counts kernel scratch in 64 bits: a GRU too large for i32 reports its true size', () => {
    const floats = engine.wasm.gruWorkspaceFloats(65536, 40, 4096, 2);
    expect(floats).toBeGreaterThan(2 ** 31);
    expect(floats).toBe(40 * 65536 + 65536 + (3 * 4096 * 4096 + 7 * 4096) + 2 * (10 * 40 + 2) * 4096 * 65536);
    const model = compileModel(gruModel(4096, true, 40));
    expect(runBlockBytes(model, { ld: batchColumns(65536), kernels: engine.wasm, winograd: true, optimizerBuffers: 2 })).toBeGreaterThan(2 ** 40);
  });
});

describe('a run too large for the engine', () => {
  it('is refused naming the field that makes it large, the bytes and the limit', () => {
    const hidden = configError(() => checkRunMemory(parseRunConfig({ model: 'gru', hidden: 900 }), engine.wasm));
    expect(hidden.field).toBe('hidden');
    expect(hidden.message).toMatch(/^hidden 900 with model gru needs 1\.\d\d GiB of engine memory in one block .*; the engine's limit is 1\.00 GiB: lower hidden, batchSize or dataset\.finalSeqLength$/);
    const long = configError(() => checkRunMemory(parseRunConfig({ model: 'gru', dataset: { numSamples: 100, finalSeqLength: 8000 } }), engine.wasm));
    expect(long.field).toBe('dataset.finalSeqLength');
    const batch = configError(() => checkRunMemory(parseRunConfig({ model: 'cnn', channels: 100, batchSize: 65536, dataset: { numSamples: 100000 } }), engine.wasm, 'runs[2]'));
    expect(batch.field).toBe('runs[2].batchSize');
  });

  it('is refused by train(), trainOnData and the Trainer with a ConfigError, leaving the engine usable', async () => {
    await expect(train({ model: 'gru', hidden: 900, steps: 0, dataset: { numSamples: 10 } })).rejects.toThrow(/^hidden 900 with model gru needs/);
    const config = parseRunConfig({ model: 'gru', hidden: 900, steps: 0, dataset: { numSamples: 200 } });
    const data = featureMajorData(await makeDataset(config.dataset));
    expect(() => trainOnData(engine, data, config)).toThrow(ConfigError);
    const trainer = () => new Trainer(engine, modelFromConfig(config), { optimizer: 'adam', lr: 0.01, batchSize: 100, seed: 1 });
    expect(configError(trainer).message).toMatch(/^the model \(\d+ parameters, \d+ activation buffers\) at batchSize 100 needs 1\.\d\d GiB .* limit is 1\.00 GiB$/);
    expect(trainOnData(engine, data, { ...config, hidden: 6 }).status).toBe('ok');
  });

  it('is refused by grid validation and by a sweep before any run starts', async () => {
    const grid = { base: { model: 'gru', steps: 1, dataset: { numSamples: 1000 } }, axes: { hidden: [6, 900] } };
    const kernels = engine.wasm;
    const error = configError(() => expandGrid(grid, { kernels }));
    expect(error.field).toBe('axes.hidden[1]');
    expect(error.message).toMatch(/^axes\.hidden\[1\] 900 with model gru needs/);
    const out = mkdtempSync(join(tmpdir(), 'mnist1d-memory-'));
    dirs.push(out);
    await expect(runSweep(expandGrid(grid), { kinds: taskKinds, outDir: out, workers: 1 })).rejects.toThrow(/^runs\[1\]\.hidden 900 with model gru needs/);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
    expect(ENGINE_BLOCK_LIMIT).toBe(2 ** 30 - 16);
  });

  it('is refused for a lottery chain too, naming its field', () => {
    const lottery = getStudy('lottery');
    const [chain] = lottery.tasks(resolveSettings(lottery, { quick: true })) as { kind: string; config: Record<string, unknown>; datasets: unknown[] }[];
    expect(chain.kind).toBe('lottery-chain');
    expect(() => normalizeTasks([chain], taskKinds, engine.wasm)).not.toThrow();
    const huge = { ...chain, config: { ...chain.config, hidden: 4096, batchSize: 65536 } };
    expect(configError(() => normalizeTasks([huge], taskKinds, engine.wasm)).message).toMatch(/^tasks\[0\]\.config\.(hidden|batchSize) \d+ with model mlp needs \d+\.\d\d GiB/);
  });

  it('is one line from the CLI, exit 2, for train and sweep', () => {
    for (const args of [['--hidden', '900'], ['--final-seq-length', '8000']]) {
      const result = spawnSync(process.execPath, ['bin/mnist1d.js', 'train', '--model', 'gru', ...args, '--steps', '0', '--num-samples', '10'], { cwd: repoRoot, encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^mnist1d: ${args[0]} ${args[1]} with model gru needs \\d\\.\\d\\d GiB .*limit is 1\\.00 GiB.*\\n$`));
    }
    const dir = mkdtempSync(join(tmpdir(), 'mnist1d-memory-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'grid.json'), JSON.stringify({ base: { model: 'gru', steps: 1 }, axes: { hidden: [6, 900] } }));
    const sweep = spawnSync(process.execPath, ['bin/mnist1d.js', 'sweep', '--grid', join(dir, 'grid.json'), '--out', join(dir, 'out')], { cwd: repoRoot, encoding: 'utf8' });
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toMatch(/^mnist1d: axes\.hidden\[1\] 900 with model gru needs .*\n$/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

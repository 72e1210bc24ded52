import { describe, expect, it } from 'vitest';
import { parseDatasetArgs } from '../src/data/args.js';
import { canonicalJson, fnv1a64 } from '../src/sweep/canonical.js';
import { expandGrid } from '../src/sweep/grid.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { describeTask, normalizeTasks, runKey } from '../src/sweep/normalize.js';
import { configError } from './config-error.js';

const base = { model: 'mlp', steps: 300, dataset: { numSamples: 1000 } };

describe('grids', () => {
  it('expands axes as a cartesian product, first axis outermost, over the base', () => {
    const configs = expandGrid({ base, axes: { hidden: [10, 20], seed: [1, 2, 3], 'dataset.labelNoise': [0, 0.15] } });
    expect(configs).toHaveLength(12);
    expect(configs.map((c) => [c.hidden, c.seed, c.dataset.labelNoise])).toEqual(
      [10, 20].flatMap((h) => [1, 2, 3].flatMap((s) => [0, 0.15].map((n) => [h, s, n]))),
    );
    for (const c of configs) {
      expect(c.model).toBe('mlp');
      expect(c.steps).toBe(300);
      // Fully defaulted: every dataset arg is present, overrides kept.
      expect(c.dataset).toEqual(parseDatasetArgs({ numSamples: 1000, labelNoise: c.dataset.labelNoise }));
    }
  });

  it('expands an explicit list of runs, each merged over the base (dataset args too)', () => {
    const configs = expandGrid({ base, runs: [{ hidden: 5 }, { model: 'linear', dataset: { seed: 7 } }] });
    expect(configs.map((c) => [c.model, c.dataset.numSamples, c.dataset.seed])).toEqual([
      ['mlp', 1000, parseDatasetArgs({}).seed],
      ['linear', 1000, 7],
    ]);
    expect(configs[0].hidden).toBe(5);
  });

  it('names the bad entry of an explicit list', () => {
    const runs = [{}, {}, {}, { lr: -1 }].map((r, i) => ({ ...r, seed: i }));
    expect(configError(() => expandGrid({ base, runs })).message).toMatch(/^runs\[3\]\.lr must be a number > 0, got -1$/);
    expect(configError(() => expandGrid({ base, runs: [{ seed: 1 }, 5] })).message).toBe('runs[1] must be an object (a run config), got 5');
    expect(configError(() => expandGrid({ base, runs: [{ hiden: 5 }] })).message).toMatch(/unknown field runs\[0\]\.hiden/);
    expect(configError(() => expandGrid({ base, runs: [{ dataset: { numSamples: 5 } }] })).message).toMatch(/^runs\[0\]\.dataset\.numSamples must be/);
  });

  it('names the bad axis value, or the base field', () => {
    expect(configError(() => expandGrid({ base, axes: { hidden: [10, 0] } })).message).toMatch(/^axes\.hidden\[1\] must be an integer >= 1 and <= 4096, got 0$/);
    expect(configError(() => expandGrid({ base, axes: { 'dataset.labelNoise': [0, 2] } })).message).toMatch(/^axes\.dataset\.labelNoise\[1\] must be/);
    expect(configError(() => expandGrid({ base: { ...base, lr: 0 }, axes: { seed: [1] } })).message).toMatch(/^base\.lr must be a number > 0, got 0$/);
    expect(configError(() => expandGrid({ base, axes: { hidden: [] } })).message).toBe('axes.hidden must be a non-empty array of values, got []');
    expect(configError(() => expandGrid({ base, axes: { seed: [1, 2, 1] } })).message).toBe('axes.seed[2] repeats axes.seed[0] (1)');
    expect(configError(() => expandGrid({ base, axes: { hidden2: [1] } })).message).toMatch(/unknown field axes\.hidden2\[0\]/);
  });

  it('rejects malformed grids with a message saying what a grid is', () => {
    expect(configError(() => expandGrid([1, 2])).message).toMatch(/a grid must be an object with "axes" or "runs"/);
    expect(configError(() => expandGrid({ base })).message).toMatch(/exactly one of "axes".*or "runs"/);
    expect(configError(() => expandGrid({ base, axes: { seed: [1] }, runs: [{}] })).message).toMatch(/exactly one of/);
    expect(configError(() => expandGrid({ base, runs: [], extra: 1 })).message).toMatch(/unknown field extra in the grid \(a grid has base, axes or runs, and maxRuns\)/);
    expect(configError(() => expandGrid({ base, runs: [] })).message).toBe('runs must be a non-empty array of run configs, got []');
  });

  it('rejects a run listed twice, also when only the defaults make them equal', () => {
    const dataset = parseDatasetArgs({});
    const message = configError(() => expandGrid({ base: { model: 'linear' }, runs: [{ seed: 1 }, { seed: 2 }, { seed: 1, dataset }] })).message;
    expect(message).toBe('runs[2] is the same run as runs[0] (identical once defaults are filled in)');
  });
});

describe('run keys', () => {
  it('hash the canonical JSON of the fully-defaulted config', () => {
    const key = runKey({ model: 'mlp', seed: 3 });
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    // Field order and explicit defaults do not change the key; any setting does.
    expect(runKey({ seed: 3, dataset: parseDatasetArgs({}), model: 'mlp' })).toBe(key);
    expect(runKey({ model: 'mlp', seed: 4 })).not.toBe(key);
    expect(runKey({ model: 'mlp', seed: 3, dataset: { labelNoise: 0.15 } })).not.toBe(key);
    expect(normalizeTasks([{ model: 'mlp', seed: 3 }], taskKinds)[0].key).toBe(key);
  });

  it('use sorted-key canonical JSON and 64-bit FNV-1a', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    // Published FNV-1a 64 test vectors.
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('name the bad entry of a sweep input and reject non-arrays', () => {
    expect(configError(() => normalizeTasks([{ model: 'mlp' }, { model: 'mlp', lr: -1 }], taskKinds)).message).toBe('runs[1].lr must be a number > 0, got -1');
    expect(configError(() => normalizeTasks([{ kind: 'train', config: { model: 'nope' } }], taskKinds)).message).toMatch(/^tasks\[0\]\.config\.model must be one of/);
    expect(configError(() => normalizeTasks([{ kind: 'x', config: {}, datasets: [{ numSamples: 5 }] }], taskKinds)).message).toMatch(/^tasks\[0\]\.datasets\[0\]\.numSamples must be/);
    expect(configError(() => normalizeTasks([], taskKinds)).message).toMatch(/non-empty array/);
  });

  it('describe tasks for progress lines: a run by its settings, another kind by its words and seed', () => {
    const [run] = normalizeTasks([{ model: 'cnn', channels: 30, seed: 2, dataset: { labelNoise: 0.15 } }], taskKinds);
    expect(describeTask(run, taskKinds)).toBe('cnn c=30 adam lr=0.01 seed=2 labelNoise=0.15');
    expect(describeTask({ kind: 'lottery-chain', config: { hidden: 500, criterion: 'magnitude', seed: 43, levels: 100 } }, taskKinds)).toBe('lottery-chain magnitude seed=43');
  });

  it('tells runs apart that differ in the spatial shuffle or the dataset seed', () => {
    const [plain, shuffled, otherData] = normalizeTasks([{ model: 'gru' }, { model: 'gru', shuffleSeq: true }, { model: 'gru', dataset: { seed: 43, shuffleSeq: true } }], taskKinds);
    expect(describeTask(plain, taskKinds)).toBe('gru h=6 adam lr=0.01 seed=42');
    expect(describeTask(shuffled, taskKinds)).toBe('gru h=6 adam lr=0.01 seed=42 shuffled');
    expect(describeTask(otherData, taskKinds)).toBe('gru h=6 adam lr=0.01 seed=42 dataset.shuffleSeq=true dataset.seed=43');
  });
});

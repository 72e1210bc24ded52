// Study presets without training: `--set` parsing and validation (errors name the
// key), the tasks each preset expands to (the settings of spec/EXPERIMENTS.md), the
// `run` command's flag errors, and figure rendering to SVG and PNG.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { getStudy, parseSetValue, resolveSettings, settingKeys, studies } from '../src/experiments/index.js';
import { paperCnnWidths, paperMlpWidths } from '../src/experiments/double-descent.js';
import { dropLowest } from '../src/experiments/lottery-chain.js';
import { packMask, unpackMask } from '../src/experiments/mask-bits.js';
import { linspace } from '../src/experiments/settings.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import type { RunConfig } from '../src/train/types.js';
import { renderSvg } from '../src/plot/svg.js';
import { svgToPng } from '../src/plot/files.js';
import { configError } from './config-error.js';

describe('--set values', () => {
  it('parses JSON, comma lists and bare strings', () => {
    expect(parseSetValue('5')).toBe(5);
    expect(parseSetValue('0.15')).toBe(0.15);
    expect(parseSetValue('true')).toBe(true);
    expect(parseSetValue('[2,3]')).toEqual([2, 3]);
    expect(parseSetValue('2,4,8')).toEqual([2, 4, 8]);
    expect(parseSetValue('max, avg')).toEqual(['max', 'avg']);
    expect(parseSetValue('max')).toBe('max');
  });

  it('applies --quick, then each --set, and makes a single value a list where the setting is one', () => {
    const pooling = getStudy('pooling');
    const s = resolveSettings(pooling, { quick: true, set: ['steps=700', 'pools=max'] });
    expect(s.trainSizes).toEqual(pooling.quick.trainSizes);
    expect(s.steps).toBe(700);
    expect(s.pools).toEqual(['max']);
    expect(s.testSize).toBe(pooling.defaults.testSize);
    expect(resolveSettings(pooling).steps).toBe(6000);
  });

  it('sets dataset args as dataset.<arg>', () => {
    const s = resolveSettings(getStudy('double-descent'), { set: ['dataset.seed=7'] });
    expect(s.dataset).toEqual({ numSamples: 16000, trainSplit: 0.25, seed: 7 });
  });

  it('an unknown key is an error naming it and listing the allowed keys', () => {
    const error = configError(() => resolveSettings(getStudy('pooling'), { set: ['widths=3'] }));
    expect(error.message).toContain('"widths"');
    expect(error.message).toContain('trainSizes');
    expect(error.message).toContain('dataset.numSamples');
    expect(error.field).toBe('widths');
    expect(configError(() => resolveSettings(getStudy('lottery'), { set: ['dataset.bogus=1'] })).message).toContain('"dataset.bogus"');
  });

  it('a bad value is an error naming the key, the value and what is allowed', () => {
    expect(configError(() => resolveSettings(getStudy('pooling'), { set: ['steps=0'] })).message).toBe('steps must be an integer >= 1, got 0');
    expect(configError(() => resolveSettings(getStudy('pooling'), { set: ['pools=max,median'] })).message).toBe(
      'pools.1 must be one of none, stride, max, avg, l2, got "median"',
    );
    expect(configError(() => resolveSettings(getStudy('double-descent'), { set: ['labelNoise=1.5'] })).message).toContain('labelNoise');
    expect(configError(() => resolveSettings(getStudy('lottery'), { set: ['dataset.seed=-1'] })).message).toContain('dataset.seed');
    expect(configError(() => resolveSettings(getStudy('lottery'), { set: ['levels'] })).message).toContain('key=value');
  });

  it('every study lists its keys', () => {
    for (const study of studies) expect(settingKeys(study)).toContain('dataset.seed');
  });
});

describe('the presets expand to the settings of spec/EXPERIMENTS.md', () => {
  const configs = (name: string) =>
    normalizeTasks(getStudy(name).tasks(resolveSettings(getStudy(name))), taskKinds)
      .filter((t) => t.kind === 'train')
      .map((t) => t.config as RunConfig);

  it('spatial-priors: 4 models x normal/shuffled, Adam 1e-2, batch 100, 6000 steps, seed 42', () => {
    const runs = configs('spatial-priors');
    expect(runs.map((c) => `${c.model}${c.shuffleSeq ? '*' : ''}`).sort()).toEqual(['cnn', 'cnn*', 'gru', 'gru*', 'linear', 'linear*', 'mlp', 'mlp*']);
    for (const c of runs) expect(c).toMatchObject({ optimizer: 'adam', lr: 0.01, batchSize: 100, steps: 6000, batchOrder: 'sequential', seed: 42 });
  });

  it('double-descent: 19 MLP widths clean and noisy, 29 CNN widths noisy; SGD 0.01 momentum 0.9, 500 shuffled epochs, 4000/12000', () => {
    const runs = configs('double-descent');
    expect(runs).toHaveLength(19 + 19 + 29);
    expect(paperMlpWidths).toHaveLength(19);
    expect(paperCnnWidths).toHaveLength(29);
    const widths = (model: string, noise: number) =>
      runs.filter((c) => c.model === model && c.dataset.labelNoise === noise).map((c) => c.hidden ?? c.channels).sort((a, b) => a! - b!);
    expect(widths('mlp3', 0)).toEqual(paperMlpWidths);
    expect(widths('mlp3', 0.15)).toEqual(paperMlpWidths);
    expect(widths('cnn', 0.15)).toEqual(paperCnnWidths);
    for (const c of runs) {
      expect(c).toMatchObject({ optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 100, epochs: 500, batchOrder: 'shuffle' });
      expect(c.dataset).toMatchObject({ numSamples: 16000, trainSplit: 0.25 });
    }
  });

  it('pooling: 5 variants x 6 sizes with 1000 test examples, Adam 1e-2, 6000 steps, eval every 100', () => {
    const runs = configs('pooling');
    expect(runs).toHaveLength(30);
    for (const c of runs) {
      const n = c.dataset.numSamples! - 1000;
      expect([2000, 3000, 6000, 11000, 21000, 51000]).toContain(n);
      expect(Math.floor(c.dataset.numSamples! * c.dataset.trainSplit!)).toBe(n);
      expect(c).toMatchObject({ model: 'convpool', optimizer: 'adam', lr: 0.01, batchSize: 100, steps: 6000, evalEvery: 100 });
    }
  });

  it('lottery: 4 chains (seeds 42, 43 x magnitude, random) of 100 levels, and the dense baselines on the fresh data', () => {
    const tasks = normalizeTasks(getStudy('lottery').tasks(resolveSettings(getStudy('lottery'))), taskKinds);
    const chains = tasks.filter((t) => t.kind === 'lottery-chain');
    expect(chains.map((t) => t.config)).toEqual(
      [42, 43].flatMap((seed) => ['magnitude', 'random'].map((criterion) => expect.objectContaining({ seed, criterion, levels: 100, hidden: 500, lr: 0.02, steps: 1501 }))),
    );
    for (const t of chains) expect(t.datasets.map((d) => d.seed)).toEqual([42, 43]); // training data, fresh data (seed + 1)
    const dense = tasks.filter((t) => t.kind === 'train').map((t) => t.config as RunConfig);
    expect(dense.map((c) => [c.seed, c.shuffleSeq, c.dataset.seed])).toEqual([
      [42, false, 43],
      [42, true, 43],
      [43, false, 43],
      [43, true, 43],
    ]);
  });
});

describe('lottery chain pieces', () => {
  it('drops the lowest scores of a layer, ties by position, like torch.sort(scores)[1][:k]', () => {
    const scores = Float32Array.from([0.5, 0, 0.2, 0, 0.9, 0.2, 0.1]);
    const mask = new Float32Array(7);
    dropLowest(scores, Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 4, mask);
    expect([...mask]).toEqual([1, 0, 0, 0, 1, 1, 0]);
    dropLowest(scores, Int32Array.from([0, 2, 4]), 0, mask);
    expect(mask[0] + mask[2] + mask[4]).toBe(3);
  });

  it('linspace matches numpy (both ends included)', () => {
    const s = linspace(0, 1, 100);
    expect(s).toHaveLength(100);
    expect(s[0]).toBe(0);
    expect(s[99]).toBe(1);
    expect(s[91]).toBeCloseTo(91 / 99, 15);
  });

  it('packs masks into base64 bits and back', () => {
    const mask = Uint8Array.from({ length: 20003 }, (_, i) => (i * 7919) % 13 < 5 ? 1 : 0);
    expect(unpackMask(packMask(mask), mask.length)).toEqual(mask);
  });
});

describe('`mnist1d run` flag errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 with one line naming the key', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => void errors.push(text));
    expect(await runCli(['run', 'pooling', '--set', 'widths=3'])).toBe(2);
    expect(errors.join('\n')).toMatch(/^mnist1d: unknown setting "widths" for study pooling; allowed: pools, trainSizes/);
    errors.length = 0;
    expect(await runCli(['run', 'no-such-study'])).toBe(2);
    expect(errors.join('\n')).toContain('study must be one of spatial-priors, double-descent, pooling, lottery, metalearn-lr, metalearn-activation, got "no-such-study"');
  });
});

describe('figures', () => {
  it('render to SVG with their axis titles, and to PNG', async () => {
    const study = getStudy('pooling');
    // Records as the pooling sweep writes them (only the fields the figure reads).
    const records = [2000, 51000].flatMap((n) =>
      ['none', 'max'].map((pool, i) => ({
        status: 'ok',
        config: { model: 'convpool', pool, dataset: { numSamples: n + 1000, trainSplit: n / (n + 1000) } },
        test_acc: 0.8 + 0.05 * i + n / 1e6,
        wall_s: 1,
      })),
    );
    const [figure] = study.figures(records);
    const svg = await renderSvg(figure.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['training examples', 'test accuracy (%)', 'max pool', 'no pooling']) expect(svg).toContain(text);
    const png = await svgToPng(svg);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBeGreaterThan(400); // IHDR width at 2x
    expect(view.getUint32(20)).toBeGreaterThan(300);
  });
});

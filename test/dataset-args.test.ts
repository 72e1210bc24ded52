// DatasetArgs: the paper's defaults, one strict schema with errors that name
// the field, the value and what is allowed, and the reference's snake_case form.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatasetArgs, fromReferenceArgs, generatedCount, parseDatasetArgs, toReferenceArgs, trainCount } from '../src/data/args.js';
import { makeDataset } from '../src/data/generator.js';
import { ConfigError } from '../src/schema.js';

const refArgs = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../shared/reference/datasets/default/args.json'), 'utf8')).args;

describe('defaults', () => {
  it("are the reference's get_dataset_args, without label noise", () => {
    expect(toReferenceArgs(defaultDatasetArgs())).toEqual({ ...refArgs, label_noise: 0 });
  });

  it('fill every missing field, and return fresh objects', () => {
    expect(parseDatasetArgs({})).toEqual(defaultDatasetArgs());
    expect(parseDatasetArgs(undefined)).toEqual(defaultDatasetArgs());
    expect(parseDatasetArgs({ seed: 7, padding: [1, 2] })).toEqual({ ...defaultDatasetArgs(), seed: 7, padding: [1, 2] });
    const a = defaultDatasetArgs();
    a.padding[0] = 99;
    expect(defaultDatasetArgs().padding).toEqual([36, 60]);
  });

  it('convert to and from the snake_case args.json form', () => {
    expect(fromReferenceArgs(refArgs)).toEqual(defaultDatasetArgs());
    const custom = parseDatasetArgs({ numSamples: 120, shuffleSeq: true, labelNoise: 0.1, padding: [0, 4] });
    expect(fromReferenceArgs(toReferenceArgs(custom))).toEqual(custom);
  });

  it('count examples as the reference does', () => {
    expect(generatedCount({ numSamples: 1003 })).toBe(1000);
    expect(trainCount({ numSamples: 16000, trainSplit: 0.25 })).toBe(4000);
    expect(trainCount({ numSamples: 5000, trainSplit: 0.8 })).toBe(4000);
  });
});

describe('errors name the field, the value and the allowed range', () => {
  const cases: [string, unknown, string][] = [
    ['maxTranslation 0', { maxTranslation: 0 }, 'maxTranslation must be an integer >= 1 and <= 2147483647, got 0'],
    ['padding reversed', { padding: [5, 2] }, 'padding must be [lo, hi] with 0 <= lo <= hi <= 10000 (integers), got [5,2]'],
    ['padding not a pair', { padding: [5] }, 'padding must be [lo, hi] with 0 <= lo <= hi <= 10000 (integers), got [5]'],
    ['negative padding', { padding: [-1, 3] }, 'padding must be [lo, hi] with 0 <= lo <= hi <= 10000 (integers), got [-1,3]'],
    ['numSamples 5', { numSamples: 5 }, 'numSamples must be an integer >= 10 and <= 33554432, got 5'],
    ['numSamples 10.5', { numSamples: 10.5 }, 'numSamples must be an integer >= 10 and <= 33554432, got 10.5'],
    ['labelNoise 1.5', { labelNoise: 1.5 }, 'labelNoise must be a number >= 0 and <= 1, got 1.5'],
    ['trainSplit 1', { trainSplit: 1 }, 'trainSplit must leave both train and test sets non-empty (1 to 4999 of 5000 examples in train), got 1 (5000 train, 0 test)'],
    ['trainSplit too small', { numSamples: 10, trainSplit: 0.05 }, 'trainSplit must leave both train and test sets non-empty (1 to 9 of 10 examples in train), got 0.05 (0 train, 10 test)'],
    ['trainSplit 0', { trainSplit: 0 }, 'trainSplit must be a number > 0 and <= 1, got 0'],
    ['seed -1', { seed: -1 }, 'seed must be an integer >= 0 and <= 4294967295, got -1'],
    ['seed 2^32', { seed: 2 ** 32 }, 'seed must be an integer >= 0 and <= 4294967295, got 4294967296'],
    ['scaleCoeff NaN', { scaleCoeff: NaN }, 'scaleCoeff must be a number >= 0, got NaN'],
    ['iidNoiseScale Infinity', { iidNoiseScale: Infinity }, 'iidNoiseScale must be a number >= 0, got Infinity'],
    ['shuffleSeq string', { shuffleSeq: 'yes' }, 'shuffleSeq must be true or false, got "yes"'],
    ['finalSeqLength 0', { finalSeqLength: 0 }, 'finalSeqLength must be an integer >= 1 and <= 10000, got 0'],
    ['L1 < 2', { templateLen: 1, padding: [0, 0] }, 'templateLen + padding[1] must be >= 2 (the length examples are built at), got 1 + 0'],
    ['too many values', { numSamples: 1_000_000, finalSeqLength: 100 }, 'numSamples * finalSeqLength must be <= 33554432, got 1000000 * 100 = 100000000'],
    ['unknown key', { maxTranslations: 3 }, 'unknown field maxTranslations'],
    ['string number', { numSamples: '5000' }, 'numSamples must be an integer >= 10 and <= 33554432, got "5000"'],
  ];
  for (const [name, input, message] of cases) {
    it(`rejects ${name}`, () => {
      let error: unknown;
      try {
        parseDatasetArgs(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(message);
    });
  }

  it('prefixes the field with where the args came from', () => {
    expect(() => parseDatasetArgs({ maxTranslation: 0 }, 'runs[2].dataset')).toThrow('runs[2].dataset.maxTranslation must be an integer >= 1');
    expect(() => parseDatasetArgs({ foo: 1 }, 'dataset')).toThrow('unknown field dataset.foo');
  });

  it('names the fields as the caller says (the CLI: by their flags)', () => {
    const flags = (path: string) => ({ seed: '--dataset-seed', templateLen: '--template-len', padding: '--padding' })[path] ?? path;
    expect(() => parseDatasetArgs({ seed: -1 }, flags)).toThrow(/^--dataset-seed must be an integer >= 0 and <= 4294967295, got -1$/);
    expect(() => parseDatasetArgs({ templateLen: 1, padding: [0, 0] }, flags)).toThrow(/^--template-len \+ --padding\[1\] must be >= 2/);
  });

  it('rejects bad args before the wasm runs (makeDataset)', async () => {
    await expect(makeDataset({ maxTranslation: 0 })).rejects.toThrow(ConfigError);
    await expect(makeDataset({ numSamples: 5 })).rejects.toThrow('numSamples must be an integer >= 10');
  });

  it('accepts the edges of every range', () => {
    expect(() => parseDatasetArgs({ numSamples: 10, trainSplit: 0.1, padding: [0, 0], templateLen: 2, maxTranslation: 1, finalSeqLength: 1, seed: 2 ** 32 - 1, labelNoise: 1, scaleCoeff: 0 })).not.toThrow();
  });
});

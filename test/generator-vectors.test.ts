// The spec's test vectors (../shared/spec/generator_test_vectors.json, checked
// against numpy): raw MT19937 draws, rand, randn, choice, randint, permutation,
// the templates bit for bit, and the first values of the default dataset.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, loadGenerator, makeDataset, notebookPermutation } from '../src/data/generator.js';
import { ConfigError } from '../src/schema.js';

const repoRoot = resolve(import.meta.dirname, '..');
const vectors = JSON.parse(readFileSync(resolve(repoRoot, '../shared/spec/generator_test_vectors.json'), 'utf8'));

/** Parses C99 hex floats such as "-0x1.7abd75f941763p-2" exactly. */
function hexFloat(text: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/i.exec(text);
  if (!m) throw new Error(`not a hex float: ${text}`);
  const digits = m[3];
  const mantissa = parseInt(m[2] + digits || '0', 16); // <= 53 bits: exact
  const value = mantissa * 2 ** (Number(m[4]) - 4 * digits.length);
  return m[1] ? -value : value;
}

let generator: Generator;
beforeAll(async () => {
  generator = await Generator.create();
});

describe('numpy legacy RandomState draws', () => {
  it('draws genrand_int32 values after seed(42)', () => {
    expect(Array.from(generator.randomDraws('uint32', 5, 42))).toEqual(vectors.genrand_int32_seed42_first5);
  });

  it('draws rand() and randn() after seed(42)', () => {
    expect(Array.from(generator.randomDraws('rand', 5, 42))).toEqual(vectors.rand_seed42_first5.map(Number));
    expect(Array.from(generator.randomDraws('randn', 5, 42))).toEqual(vectors.randn_seed42_first5.map(Number));
  });

  it('draws choice(48) and randint(0, 10) by masked rejection', () => {
    expect(Array.from(generator.randomDraws('randint', 5, 42, 48))).toEqual(vectors.choice48_seed42_first5);
    expect(Array.from(generator.randomDraws('randint', 5, 42, 10))).toEqual(vectors.randint0_10_seed42_first5);
  });

  it('permutes like np.random.permutation after seed(0) and seed(42)', () => {
    expect(Array.from(generator.permutation(10, 0))).toEqual(vectors.permutation10_seed0);
    expect(Array.from(generator.permutation(10, 42))).toEqual(vectors.permutation10_seed42);
  });

  it('crosses MT19937 regenerations consistently (624 words per block)', () => {
    const words = generator.randomDraws('uint32', 2000, 7);
    const rands = generator.randomDraws('rand', 1000, 7);
    for (let i = 0; i < 1000; i++) {
      expect(rands[i]).toBe(((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992);
    }
  });

  it('rejects out-of-range draw arguments with a named error', () => {
    expect(() => generator.permutation(-1, 0)).toThrow('permutation.n must be an integer >= 0');
    expect(() => generator.permutation(5, 2 ** 32)).toThrow(ConfigError);
    expect(() => generator.randomDraws('randint', 5, 42, 0)).toThrow('randomDraws.high must be an integer >= 1');
    expect(() => generator.randomDraws('normal' as never, 5, 42)).toThrow('kind must be one of uint32, rand, randn, randint, got "normal"');
  });
});

describe('notebookPermutation', () => {
  it('is np.random.seed(seed); np.random.permutation(n) once the generator is loaded', async () => {
    await loadGenerator();
    expect(Array.from(notebookPermutation(10, 42))).toEqual(vectors.permutation10_seed42);
    expect(Array.from(notebookPermutation(10))).toEqual(vectors.permutation10_seed42);
    const p = notebookPermutation(40);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('templates and the default dataset', () => {
  it('builds the ten templates and their grid bit for bit', async () => {
    const ds = await makeDataset({ numSamples: 10 });
    expect(Array.from(ds.templates.x)).toEqual(vectors.templates_x_hex.flat().map(hexFloat));
    expect(Array.from(ds.templates.t)).toEqual(vectors.templates_t_hex.map(hexFloat));
  });

  it('starts the default dataset with the spec values', async () => {
    const ds = await makeDataset();
    expect(ds.args.numSamples).toBe(5000);
    expect(Array.from(ds.y.subarray(0, 10))).toEqual(vectors.default_y_first10);
    expect(Array.from(ds.t.subarray(0, 5))).toEqual(vectors.default_t_first5.map(Number));
    const rows = (vectors.default_x_first3rows_first5 as string[][]).map((row) => row.map(Number));
    for (let r = 0; r < 3; r++) expect(Array.from(ds.x.subarray(r * 40, r * 40 + 5))).toEqual(rows[r]);
    expect(ds.x.length).toBe(4000 * 40);
    expect(ds.xTest.length).toBe(1000 * 40);
  });
});

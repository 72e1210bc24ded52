// Argument variants beyond the reference folder, against outputs of the
// executable spec (test/fixtures/generator-variants.json, see its README), and
// invariants the spec implies.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDatasetArgs, fromReferenceArgs } from '../src/data/args.js';
import { Generator } from '../src/data/generator.js';

const variants = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/generator-variants.json'), 'utf8'));

function sha256(values: Float64Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

let generator: Generator;
beforeAll(async () => {
  generator = await Generator.create();
});

describe('variants computed with the executable spec', () => {
  for (const [name, expected] of Object.entries<Record<string, any>>(variants)) {
    it(`reproduces ${name} bit for bit`, () => {
      const ds = generator.make(fromReferenceArgs(expected.args));
      expect(Array.from(ds.x.subarray(0, 5))).toEqual(expected.x_row0_first5.map(Number)); // a readable diff first
      expect(Array.from(ds.y)).toEqual(expected.y_label_noise ?? expected.y);
      expect(Array.from(ds.yTest)).toEqual(expected.y_test);
      expect(sha256(ds.x)).toBe(expected.x_sha256);
      expect(sha256(ds.xTest)).toBe(expected.x_test_sha256);
      expect(sha256(ds.t)).toBe(expected.t_sha256);
      if (expected.y_label_noise) expect(Array.from(ds.y)).not.toEqual(expected.y);
    });
  }
});

describe('invariants', () => {
  const base = defaultDatasetArgs();

  it('makes 10 * floor(numSamples / 10) examples, split int(n * trainSplit)', () => {
    const ds = generator.make({ ...base, numSamples: 1003, trainSplit: 0.7 });
    expect(ds.y.length).toBe(700);
    expect(ds.yTest.length).toBe(300);
    expect(ds.x.length).toBe(700 * 40);
    const counts = new Array(10).fill(0);
    for (const v of [...ds.y, ...ds.yTest]) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(100));
  });

  it('without any randomness in the transform, every example of a class is the same normalised template', () => {
    const args = { ...base, numSamples: 50, padding: [0, 0] as [number, number], maxTranslation: 1, scaleCoeff: 0, corrNoiseScale: 0, iidNoiseScale: 0, shearScale: 0, finalSeqLength: 12 };
    const ds = generator.make(args);
    const F = 12;
    const rows = new Map<number, number[]>();
    for (let i = 0; i < ds.y.length; i++) {
      const row = Array.from(ds.x.subarray(i * F, (i + 1) * F));
      const first = rows.get(ds.y[i]);
      if (first) expect(row).toEqual(first);
      else rows.set(ds.y[i], row);
    }
    // a row is (template + 1e-8 - mean) / std for one mean and std shared by all classes
    const [a, b] = [...rows.keys()];
    const tx = (c: number, j: number) => ds.templates.x[c * 12 + j] + 1e-8;
    const std = (tx(a, 1) - tx(a, 0)) / (rows.get(a)![1] - rows.get(a)![0]);
    for (const c of rows.keys()) {
      for (let j = 0; j < F; j++) expect(rows.get(c)![j] * std).toBeCloseTo(tx(c, j) - (tx(a, 0) - rows.get(a)![0] * std), 12);
    }
    expect(b).not.toBe(a);
  });

  it('depends on the seed, and only on the arguments', () => {
    const one = generator.make({ ...base, numSamples: 100, seed: 3 });
    const same = generator.make({ ...base, numSamples: 100, seed: 3 });
    const other = generator.make({ ...base, numSamples: 100, seed: 4 });
    expect(same.x).toEqual(one.x);
    expect(other.x).not.toEqual(one.x);
  });

  it('shuffles positions with one permutation of the columns (t is not permuted)', () => {
    const plain = generator.make({ ...base, numSamples: 100 });
    const shuffled = generator.make({ ...base, numSamples: 100, shuffleSeq: true });
    expect(shuffled.y).toEqual(plain.y);
    // normalisation differs only by the summation order: compare up to 1e-12
    const F = 40;
    const perm: number[] = [];
    for (let j = 0; j < F; j++) {
      const col = (ds: typeof plain, c: number) => Array.from({ length: ds.y.length }, (_, i) => ds.x[i * F + c]);
      const target = col(shuffled, j);
      const match = Array.from({ length: F }, (_, c) => c).find((c) => col(plain, c).every((v, i) => Math.abs(v - target[i]) < 1e-12));
      expect(match, `column ${j}`).toBeDefined();
      perm.push(match!);
    }
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: F }, (_, i) => i));
    expect(perm).not.toEqual(Array.from({ length: F }, (_, i) => i));
    for (let j = 0; j < F; j++) expect(shuffled.t[j]).toBeCloseTo(plain.t[j], 12);
  });
});

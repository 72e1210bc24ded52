// The generator reproduces every reference dataset in ../shared/reference/datasets
// (made by numpy's make_dataset): labels identical, floats within 1e-15 and, as
// measured, bit-identical (the count of identical values is logged and asserted).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromReferenceArgs } from '../src/data/args.js';
import { Generator } from '../src/data/generator.js';
import { fromNpy } from '../src/data/npy.js';

const repoRoot = resolve(import.meta.dirname, '..');
const refRoot = resolve(repoRoot, '../shared/reference/datasets');
const slugs = readdirSync(refRoot).filter((s) => existsSync(join(refRoot, s, 'args.json')));

function readNpy(slug: string, name: string): number[] {
  return Array.from(fromNpy(readFileSync(join(refRoot, slug, `${name}.npy`))).data as ArrayLike<number | bigint>, Number);
}

/** Max abs difference and count of bit-identical values (Object.is: -0 and +0 differ). */
function compare(ours: ArrayLike<number>, ref: number[]): { maxDiff: number; identical: number } {
  expect(ours.length).toBe(ref.length);
  let maxDiff = 0;
  let identical = 0;
  for (let i = 0; i < ref.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref[i]));
    if (Object.is(ours[i], ref[i])) identical++;
  }
  return { maxDiff, identical };
}

let generator: Generator;
beforeAll(async () => {
  generator = await Generator.create();
});

describe('reproduces the reference datasets', () => {
  it('finds the six reference folders', () => {
    expect(slugs.sort()).toEqual(['default', 'n16000_split025', 'padding0_0', 'seed0', 'shuffle_seq', 'tl13_odd']);
  });

  for (const slug of slugs) {
    it(`reproduces ${slug} (labels identical, floats bit-identical)`, () => {
      const args = fromReferenceArgs(JSON.parse(readFileSync(join(refRoot, slug, 'args.json'), 'utf8')).args);
      const ds = generator.make(args);
      expect(Array.from(ds.y)).toEqual(readNpy(slug, 'y'));
      expect(Array.from(ds.yTest)).toEqual(readNpy(slug, 'y_test'));
      let total = 0;
      let identical = 0;
      for (const [name, ours] of [['x', ds.x], ['x_test', ds.xTest], ['t', ds.t]] as const) {
        const result = compare(ours, readNpy(slug, name));
        expect(result.maxDiff, `${slug}/${name}`).toBeLessThanOrEqual(1e-15);
        total += ours.length;
        identical += result.identical;
      }
      console.log(`${slug}: ${identical} of ${total} float values bit-identical`);
      expect(identical).toBe(total); // measured: every value of every fixture
    });
  }

  it('stays within 1e-15 of the frozen pickle published with the paper', () => {
    const ds = generator.make(fromReferenceArgs(JSON.parse(readFileSync(join(refRoot, 'default', 'args.json'), 'utf8')).args));
    expect(Array.from(ds.y)).toEqual(readNpy('default', 'frozen_y'));
    expect(Array.from(ds.yTest)).toEqual(readNpy('default', 'frozen_y_test'));
    const counts: string[] = [];
    for (const [name, ours] of [['frozen_x', ds.x], ['frozen_x_test', ds.xTest], ['frozen_t', ds.t]] as const) {
      const { maxDiff, identical } = compare(ours, readNpy('default', name));
      expect(maxDiff, name).toBeLessThanOrEqual(1e-15);
      counts.push(`${name} ${identical}/${ours.length} identical, max diff ${maxDiff.toExponential(2)}`);
    }
    console.log(`frozen pickle: ${counts.join('; ')}`);
  });

  it("applies the double-descent notebook's label noise (15 %) exactly", () => {
    const args = fromReferenceArgs({ ...JSON.parse(readFileSync(join(refRoot, 'n16000_split025', 'args.json'), 'utf8')).args, label_noise: 0.15 });
    const noisy = generator.make(args);
    const expected = readNpy('n16000_split025', 'y_label_noise');
    expect(Array.from(noisy.y)).toEqual(expected);
    const clean = readNpy('n16000_split025', 'y');
    expect(expected.filter((v, i) => v !== clean[i]).length).toBe(577); // GENERATOR.md §7
    // the test labels and the features are untouched by the label noise
    expect(Array.from(noisy.yTest)).toEqual(readNpy('n16000_split025', 'y_test'));
    expect(compare(noisy.x, readNpy('n16000_split025', 'x')).identical).toBe(noisy.x.length);
  });
});

describe('Generator instances', () => {
  it('give the same dataset on every call without growing memory (the heap is reset per call)', () => {
    const small = generator.make({ ...fromReferenceArgs({}), numSamples: 200 });
    const memory = (generator as unknown as { wasm: { memory: WebAssembly.Memory } }).wasm.memory;
    generator.make({ ...small.args, numSamples: 3000 });
    const bytes = memory.buffer.byteLength;
    for (let i = 0; i < 5; i++) generator.make({ ...small.args, numSamples: 3000 });
    expect(memory.buffer.byteLength).toBe(bytes);
    const again = generator.make(small.args);
    expect(again.x).toEqual(small.x);
    expect(again.y).toEqual(small.y);
  });

  it('returns arrays that later calls do not overwrite (copies out of wasm memory)', () => {
    const a = generator.make({ ...fromReferenceArgs({}), numSamples: 100, seed: 1 });
    const snapshot = a.x.slice();
    generator.make({ ...fromReferenceArgs({}), numSamples: 100, seed: 2 });
    expect(a.x).toEqual(snapshot);
    expect(a.x.buffer.byteLength).toBe(a.x.byteLength);
  });

  it('makeTransient gives the same values as views into wasm memory, valid until the next call', () => {
    const args = { ...fromReferenceArgs({}), numSamples: 100, seed: 5 };
    const copy = generator.make(args);
    const views = generator.makeTransient(args);
    expect(views.x).toEqual(copy.x);
    expect(views.yTest).toEqual(copy.yTest);
    expect(views.t).toEqual(copy.t);
    expect(views.x.buffer).toBe(views.xTest.buffer); // one wasm memory
    const before = views.x.slice();
    generator.makeTransient({ ...args, seed: 6 });
    expect(views.x).not.toEqual(before);
  });
});

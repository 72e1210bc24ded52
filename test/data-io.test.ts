// .npy / .npz encoding and decoding, the reference .npy files, saveDataset in
// every format (read back), its all-or-nothing write, and the float32 copy.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingData } from '../src/data/dataset.js';
import { makeDataset } from '../src/data/generator.js';
import { fromNpy, toNpy } from '../src/data/npy.js';
import { fromNpz, toNpz } from '../src/data/npz.js';
import { saveDataset } from '../src/data/save.js';
import type { Dataset } from '../src/data/types.js';

const refRoot = resolve(import.meta.dirname, '../../shared/reference/datasets');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-io-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let ds: Dataset;
beforeAll(async () => {
  ds = await makeDataset({ numSamples: 50, finalSeqLength: 7, trainSplit: 0.6 });
});

describe('.npy', () => {
  const samples = {
    float64: new Float64Array([0.1, -2.5e-300, Number.MAX_VALUE, -0, 3]),
    float32: new Float32Array([0.1, -2.5, 1e30, 0, 3]),
    int64: new BigInt64Array([0n, -1n, 2n ** 62n, 5n, -(2n ** 63n)]),
    int32: new Int32Array([0, -1, 2 ** 31 - 1, 5, -(2 ** 31)]),
  } as const;
  for (const [dtype, data] of Object.entries(samples)) {
    it(`round-trips ${dtype} values bit for bit`, () => {
      const bytes = toNpy(data, [5]);
      expect(bytes.length % 64).toBe(data.byteLength % 64); // the header ends on a 64-byte boundary
      const back = fromNpy(bytes);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual([5]);
      expect(back.data).toEqual(data);
    });
  }

  it('writes 2-D shapes and converts to the asked dtype', () => {
    const x = new Float64Array([1, 2, 3, 4, 5, 6.1]);
    const f32 = fromNpy(toNpy(x, [2, 3], 'float32'));
    expect(f32).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from(x) });
    const i64 = fromNpy(toNpy(new Int32Array([3, -4]), [2, 1], 'int64'));
    expect(i64).toEqual({ dtype: 'int64', shape: [2, 1], data: new BigInt64Array([3n, -4n]) });
    expect(fromNpy(toNpy(new Float64Array(0), [0, 40])).shape).toEqual([0, 40]);
    expect(() => toNpy(new Float64Array(5), [2, 3])).toThrow('npy: shape [2,3] holds 6 values, the array has 5');
    expect(() => toNpy(new Float64Array([1.5]), [1], 'int64')).toThrow('npy: cannot store 1.5 as int64');
  });

  it('reads every reference .npy file, with the shapes the arguments imply', () => {
    for (const slug of readdirSync(refRoot)) {
      const args = JSON.parse(readFileSync(join(refRoot, slug, 'args.json'), 'utf8')).args;
      const n = 10 * Math.floor(args.num_samples / 10);
      const nTrain = Math.floor(n * args.train_split);
      const x = fromNpy(readFileSync(join(refRoot, slug, 'x.npy')));
      expect(x.dtype).toBe('float64');
      expect(x.shape).toEqual([nTrain, args.final_seq_length]);
      const y = fromNpy(readFileSync(join(refRoot, slug, 'y_test.npy')));
      expect(y.dtype).toBe('int64');
      expect(y.shape).toEqual([n - nTrain]);
      expect(Array.from(y.data as BigInt64Array).every((v) => v >= 0n && v <= 9n)).toBe(true);
    }
  });

  it('writes the same bytes numpy wrote for the reference arrays', async () => {
    const full = await makeDataset();
    const same = (ours: Uint8Array, file: string) => Buffer.from(ours).equals(readFileSync(join(refRoot, file)));
    expect(same(toNpy(full.x, [4000, 40]), 'default/x.npy')).toBe(true);
    expect(same(toNpy(full.yTest, [1000], 'int64'), 'default/y_test.npy')).toBe(true);
    expect(same(toNpy(full.t, [40]), 'default/t.npy')).toBe(true);
  });

  it('names what is wrong with files it cannot read', () => {
    const good = toNpy(new Float64Array([1, 2]), [2]);
    const header = (text: string) => {
      const bytes = good.slice();
      const h = new TextEncoder().encode(text.padEnd(good.length - 16 - 10, ' '));
      bytes.set(h, 10);
      return bytes;
    };
    expect(() => fromNpy(new Uint8Array([1, 2, 3]))).toThrow('npy: not a .npy file');
    expect(() => fromNpy(header("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }"))).toThrow('npy: dtype <u2 is not supported (supported: <f8, <f4, <i8, <i4)');
    expect(() => fromNpy(header("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }"))).toThrow('npy: dtype >f8 is not supported');
    expect(() => fromNpy(header("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }"))).toThrow('npy: fortran_order True is not supported');
    expect(() => fromNpy(header("{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }"))).toThrow('npy: truncated data: shape [9] needs 72 bytes, the file has 16');
    const v9 = good.slice();
    v9[6] = 9;
    expect(() => fromNpy(v9)).toThrow('npy: format version 9.0 is not supported');
  });
});

describe('.npz', () => {
  for (const compress of [false, true]) {
    it(`round-trips named arrays (${compress ? 'deflate' : 'stored'})`, () => {
      const entries = { x: toNpy(ds.x, [ds.y.length, 7]), y: toNpy(ds.y, [ds.y.length], 'int64') };
      const archive = toNpz(entries, { compress });
      const back = fromNpz(archive);
      expect(Object.keys(back).sort()).toEqual(['x', 'y']);
      expect(fromNpy(back.x).data).toEqual(ds.x);
      expect(Array.from(fromNpy(back.y).data as BigInt64Array, Number)).toEqual(Array.from(ds.y));
    });
  }

  it('rejects bytes that are not a zip archive', () => {
    expect(() => fromNpz(new Uint8Array([1, 2, 3, 4]))).toThrow('npz: not a readable zip archive');
  });
});

describe('saveDataset', () => {
  const F = 7;
  const check32 = (got: ArrayLike<number>, want: Float64Array) => expect(Array.from(got)).toEqual(Array.from(want, Math.fround));

  it('writes npy files and snake_case args.json', async () => {
    const dir = tempDir();
    await saveDataset(ds, dir, { format: 'npy' });
    expect(readdirSync(dir).sort()).toEqual(['args.json', 't.npy', 'x.npy', 'x_test.npy', 'y.npy', 'y_test.npy']);
    const x = fromNpy(readFileSync(join(dir, 'x.npy')));
    expect(x).toEqual({ dtype: 'float64', shape: [30, F], data: ds.x });
    expect(fromNpy(readFileSync(join(dir, 'y_test.npy'))).dtype).toBe('int64');
    expect(fromNpy(readFileSync(join(dir, 't.npy'))).data).toEqual(ds.t);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8'));
    expect(args).toMatchObject({ num_samples: 50, train_split: 0.6, final_seq_length: 7, padding: [36, 60], label_noise: 0 });
  });

  it('saved again in another format, leaves only the files of the new format (and files it does not know)', async () => {
    const dir = tempDir();
    await saveDataset(ds, dir, { format: 'npy' });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await saveDataset(ds, dir, { format: 'json' });
    expect(readdirSync(dir).sort()).toEqual(['mnist1d.json', 'notes.txt']);
    await saveDataset(ds, dir, { format: 'csv' });
    expect(readdirSync(dir).sort()).toEqual(['args.json', 'notes.txt', 't.csv', 'x.csv', 'x_test.csv']);
    await saveDataset(ds, dir, { format: 'npz' });
    expect(readdirSync(dir).sort()).toEqual(['args.json', 'mnist1d.npz', 'notes.txt']);
  });

  it('writes float32 npz', async () => {
    const dir = tempDir();
    await saveDataset(ds, dir, { format: 'npz', dtype: 'float32' });
    expect(readdirSync(dir).sort()).toEqual(['args.json', 'mnist1d.npz']);
    const arrays = fromNpz(readFileSync(join(dir, 'mnist1d.npz')));
    expect(Object.keys(arrays).sort()).toEqual(['t', 'x', 'x_test', 'y', 'y_test']);
    const xTest = fromNpy(arrays.x_test);
    expect(xTest.dtype).toBe('float32');
    expect(xTest.shape).toEqual([20, F]);
    check32(xTest.data as Float32Array, ds.xTest);
  });

  it('writes one json file that round-trips float64 exactly', async () => {
    const dir = tempDir();
    await saveDataset(ds, dir, { format: 'json' });
    expect(readdirSync(dir)).toEqual(['mnist1d.json']);
    const body = JSON.parse(readFileSync(join(dir, 'mnist1d.json'), 'utf8'));
    expect(body.args.seed).toBe(42);
    expect(body.x.length).toBe(30);
    expect(Float64Array.from(body.x.flat())).toEqual(ds.x);
    expect(body.y_test).toEqual(Array.from(ds.yTest));
    expect(Float64Array.from(body.t)).toEqual(ds.t);
  });

  it('writes csv with the label in the first column', async () => {
    const dir = tempDir();
    await saveDataset(ds, dir, { format: 'csv', dtype: 'float32' });
    expect(readdirSync(dir).sort()).toEqual(['args.json', 't.csv', 'x.csv', 'x_test.csv']);
    const lines = readFileSync(join(dir, 'x.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('label,x0,x1,x2,x3,x4,x5,x6');
    expect(lines.length).toBe(31);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.map((r) => r[0])).toEqual(Array.from(ds.y));
    check32(rows.flatMap((r) => r.slice(1)), ds.x);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[0]).toBe('t');
  });

  it('leaves no complete-looking result when a write fails', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 't.npy', 'blocker'), { recursive: true }); // t.npy cannot be replaced
    await expect(saveDataset(ds, dir, { format: 'npy' })).rejects.toThrow();
    const left = readdirSync(dir);
    expect(left).not.toContain('args.json');
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('trainingData', () => {
  it('converts to float32 once, optionally into SharedArrayBuffers', () => {
    const plain = trainingData(ds);
    expect(plain.features).toBe(7);
    expect(plain.x).toBeInstanceOf(Float32Array);
    expect(Array.from(plain.x)).toEqual(Array.from(ds.x, Math.fround));
    expect(Array.from(plain.yTest)).toEqual(Array.from(ds.yTest));
    expect(plain.x.buffer).toBeInstanceOf(ArrayBuffer);
    const shared = trainingData(ds, { shared: true });
    expect(shared.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.xTest)).toEqual(Array.from(plain.xTest));
  });
});

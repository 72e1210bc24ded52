// A dataset encoded as the files of one output format (browser-safe: no Node
// imports). npy: x.npy, y.npy, x_test.npy, y_test.npy, t.npy + args.json;
// npz: mnist1d.npz (the same arrays) + args.json; json: mnist1d.json (args and
// arrays); csv: x.csv and x_test.csv (label first, then the features), t.csv
// + args.json. Floats are float64 unless dtype is float32; labels are int64 in
// npy/npz, as numpy saves them.
import { toReferenceArgs } from './args.js';
import { toFloat32 } from './dataset.js';
import { toNpy } from './npy.js';
import { toNpz } from './npz.js';
import type { Dataset } from './types.js';

export const DATASET_FORMATS = ['npy', 'npz', 'json', 'csv'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];
export const FLOAT_DTYPES = ['float64', 'float32'] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

export interface EncodedFile {
  name: string;
  bytes: Uint8Array;
}

/** The files of ds in format; args.json (or the single file) comes last, so its presence marks a complete write. */
export function encodeDataset(ds: Dataset, format: DatasetFormat, dtype: FloatDtype = 'float64'): EncodedFile[] {
  const F = ds.args.finalSeqLength;
  const floats = (a: Float64Array) => (dtype === 'float32' ? toFloat32(a) : a);
  const text = (s: string) => new TextEncoder().encode(s);
  const argsJson = { name: 'args.json', bytes: text(JSON.stringify(toReferenceArgs(ds.args), null, 1) + '\n') };
  const arrays = (): Record<string, Uint8Array> => ({
    x: toNpy(floats(ds.x), [ds.y.length, F]),
    y: toNpy(ds.y, [ds.y.length], 'int64'),
    x_test: toNpy(floats(ds.xTest), [ds.yTest.length, F]),
    y_test: toNpy(ds.yTest, [ds.yTest.length], 'int64'),
    t: toNpy(floats(ds.t), [F]),
  });
  switch (format) {
    case 'npy':
      return [...Object.entries(arrays()).map(([name, bytes]) => ({ name: `${name}.npy`, bytes })), argsJson];
    case 'npz':
      return [{ name: 'mnist1d.npz', bytes: toNpz(arrays()) }, argsJson];
    case 'json': {
      const rows = (a: Float64Array | Float32Array) => Array.from({ length: a.length / F }, (_, i) => Array.from(a.subarray(i * F, (i + 1) * F)));
      const body = { args: toReferenceArgs(ds.args), x: rows(floats(ds.x)), y: Array.from(ds.y), x_test: rows(floats(ds.xTest)), y_test: Array.from(ds.yTest), t: Array.from(floats(ds.t)) };
      return [{ name: 'mnist1d.json', bytes: text(JSON.stringify(body) + '\n') }];
    }
    case 'csv': {
      const header = ['label', ...Array.from({ length: F }, (_, j) => `x${j}`)].join(',');
      const table = (x: Float64Array | Float32Array, y: Int32Array) => {
        const lines = [header];
        for (let i = 0; i < y.length; i++) lines.push(`${y[i]},${Array.from(x.subarray(i * F, (i + 1) * F)).join(',')}`);
        return text(lines.join('\n') + '\n');
      };
      return [
        { name: 'x.csv', bytes: table(floats(ds.x), ds.y) },
        { name: 'x_test.csv', bytes: table(floats(ds.xTest), ds.yTest) },
        { name: 't.csv', bytes: text(['t', ...Array.from(floats(ds.t))].join('\n') + '\n') },
        argsJson,
      ];
    }
  }
}

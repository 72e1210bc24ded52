// A dataset encoded as the files of one output format (browser-safe: no Node
// imports). npy: x.npy, y.npy, x_test.npy, y_test.npy, t.npy + args.json;
// npz: mnist1d.npz (the same arrays) + args.json; json: mnist1d.json (args and
// arrays); csv: x.csv and x_test.csv (label first, then the features), t.csv
// + args.json. Floats are float64 unless dtype is float32; labels are int64 in
// npy/npz, as numpy saves them.
// Each file is produced as a sequence of chunks: json and csv text a block of
// rows at a time (about TEXT_CHUNK_CHARS characters), so writing them takes
// memory flat in the dataset's size, and no string ever nears V8's length limit.
import { toReferenceArgs } from './args.js';
import { toFloat32 } from './dataset.js';
import { toNpy } from './npy.js';
import { toNpz } from './npz.js';
import type { Dataset } from './types.js';

export const DATASET_FORMATS = ['npy', 'npz', 'json', 'csv'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];
export const FLOAT_DTYPES = ['float64', 'float32'] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/** Text is cut into chunks of at least this many characters (the last may be shorter); a chunk ends at a row's end. */
export const TEXT_CHUNK_CHARS = 1 << 20;
/** The largest file encodeDataset holds in memory; saveDataset streams files of any size. */
export const MAX_ENCODED_BYTES = 1 << 30;

/** One file of a dataset: its name and its contents, produced chunk by chunk on each call. */
export interface DatasetFile {
  name: string;
  chunks(): Iterable<string | Uint8Array>;
}

export interface EncodedFile {
  name: string;
  bytes: Uint8Array;
}

/** The files of ds in format; args.json (or the single file) comes last, so its presence marks a complete write. */
export function datasetFiles(ds: Dataset, format: DatasetFormat, dtype: FloatDtype = 'float64'): DatasetFile[] {
  const F = ds.args.finalSeqLength;
  const floats = (a: Float64Array) => (dtype === 'float32' ? toFloat32(a) : a);
  const file = (name: string, chunks: () => Iterable<string | Uint8Array>): DatasetFile => ({ name, chunks });
  const argsJson = file('args.json', () => [JSON.stringify(toReferenceArgs(ds.args), null, 1) + '\n']);
  const arrays = {
    x: () => toNpy(floats(ds.x), [ds.y.length, F]),
    y: () => toNpy(ds.y, [ds.y.length], 'int64'),
    x_test: () => toNpy(floats(ds.xTest), [ds.yTest.length, F]),
    y_test: () => toNpy(ds.yTest, [ds.yTest.length], 'int64'),
    t: () => toNpy(floats(ds.t), [F]),
  };
  switch (format) {
    case 'npy':
      return [...Object.entries(arrays).map(([name, encode]) => file(`${name}.npy`, () => [encode()])), argsJson];
    case 'npz':
      return [file('mnist1d.npz', () => [toNpz(Object.fromEntries(Object.entries(arrays).map(([name, encode]) => [name, encode()])))]), argsJson];
    case 'json':
      // JSON.stringify({args, x, y, x_test, y_test, t}) + '\n', x and x_test as arrays of rows.
      return [
        file('mnist1d.json', () =>
          textChunks(
            (function* () {
              yield `{"args":${JSON.stringify(toReferenceArgs(ds.args))},"x":`;
              yield* jsonRows(floats(ds.x), F);
              yield `,"y":[${ds.y.join(',')}],"x_test":`;
              yield* jsonRows(floats(ds.xTest), F);
              yield `,"y_test":[${ds.yTest.join(',')}],"t":[${jsonNumbers(floats(ds.t))}]}\n`;
            })(),
          ),
        ),
      ];
    case 'csv': {
      const header = ['label', ...Array.from({ length: F }, (_, j) => `x${j}`)].join(',');
      return [
        file('x.csv', () => textChunks(csvTable(header, floats(ds.x), ds.y, F))),
        file('x_test.csv', () => textChunks(csvTable(header, floats(ds.xTest), ds.yTest, F))),
        file('t.csv', () => textChunks(['t\n', ...Array.from(floats(ds.t), (v) => `${v}\n`)])),
        argsJson,
      ];
    }
  }
}

/**
 * The files of ds in format, each as one byte array (for browsers and small
 * datasets). A file larger than MAX_ENCODED_BYTES is refused: save it with
 * saveDataset, which streams.
 */
export function encodeDataset(ds: Dataset, format: DatasetFormat, dtype: FloatDtype = 'float64'): EncodedFile[] {
  const encoder = new TextEncoder();
  return datasetFiles(ds, format, dtype).map(({ name, chunks }) => {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const chunk of chunks()) {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_ENCODED_BYTES) {
        throw new RangeError(`${name} of this dataset is larger than ${MAX_ENCODED_BYTES} bytes, too large to hold in memory: write it with saveDataset (Node), which streams it to disk`);
      }
      parts.push(bytes);
    }
    if (parts.length === 1) return { name, bytes: parts[0] };
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return { name, bytes };
  });
}

/** Joins pieces of text into chunks of at least TEXT_CHUNK_CHARS characters. */
function* textChunks(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= TEXT_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** A (rows, F) array as JSON, one piece per row: [[...],[...]]. */
function* jsonRows(a: Float64Array | Float32Array, F: number): Generator<string> {
  const rows = a.length / F;
  if (rows === 0) yield '[]';
  for (let i = 0; i < rows; i++) yield `${i === 0 ? '[' : ','}[${jsonNumbers(a.subarray(i * F, (i + 1) * F))}]${i === rows - 1 ? ']' : ''}`;
}

/** Numbers as JSON.stringify writes them (non-finite ones as null), comma-separated. */
function jsonNumbers(values: Float64Array | Float32Array): string {
  return Array.from(values, (v) => (Number.isFinite(v) ? String(v) : 'null')).join(',');
}

/** A csv table, one piece per line: the header, then label and features per example. */
function* csvTable(header: string, x: Float64Array | Float32Array, y: Int32Array, F: number): Generator<string> {
  yield header + '\n';
  for (let i = 0; i < y.length; i++) yield `${y[i]},${x.subarray(i * F, (i + 1) * F).join(',')}\n`;
}

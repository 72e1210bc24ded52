// The float32 copies of a dataset that training consumes (one conversion per
// dataset), optionally in SharedArrayBuffers so every worker reads one copy:
// row-major TrainingData, and FeatureMajorData, the layout the engine trains on.
import type { Dataset, FeatureMajorData, TrainingData } from './types.js';

const canShare = typeof SharedArrayBuffer !== 'undefined';

/** Float32 features, labels as Int32; in shared memory when opts.shared and the platform has SharedArrayBuffer. */
export function trainingData(ds: Dataset, opts: { shared?: boolean } = {}): TrainingData {
  const shared = !!opts.shared && canShare;
  return {
    features: ds.args.finalSeqLength,
    x: copyInto(Float32Array, ds.x, shared),
    y: copyInto(Int32Array, ds.y, shared),
    xTest: copyInto(Float32Array, ds.xTest, shared),
    yTest: copyInto(Int32Array, ds.yTest, shared),
  };
}

/** As trainingData, with x and xTest transposed to (features, n). */
export function featureMajorData(ds: Dataset, opts: { shared?: boolean } = {}): FeatureMajorData {
  const shared = !!opts.shared && canShare;
  const features = ds.args.finalSeqLength;
  return {
    layout: 'feature-major',
    features,
    x: transposeInto(ds.x, features, shared),
    y: copyInto(Int32Array, ds.y, shared),
    xTest: transposeInto(ds.xTest, features, shared),
    yTest: copyInto(Int32Array, ds.yTest, shared),
  };
}

/** Row-major TrainingData in the engine's layout (x and xTest transposed into new arrays, labels shared). */
export function toFeatureMajor(data: TrainingData): FeatureMajorData {
  const { features, y, yTest } = data;
  return { layout: 'feature-major', features, x: transposeInto(data.x, features, false), y, xTest: transposeInto(data.xTest, features, false), yTest };
}

export function isFeatureMajor(data: TrainingData | FeatureMajorData): data is FeatureMajorData {
  return (data as FeatureMajorData).layout === 'feature-major';
}

/** Float64 values rounded to float32 (round to nearest, as numpy's astype(float32)). */
export function toFloat32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

type ArrayCtor<T> = { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

function copyInto<T extends Float32Array | Int32Array>(Ctor: ArrayCtor<T>, values: ArrayLike<number>, shared: boolean): T {
  const out = new Ctor(buffer(values.length * Ctor.BYTES_PER_ELEMENT, shared));
  (out as unknown as { set(a: ArrayLike<number>): void }).set(values);
  return out;
}

/** rows (n, features) row-major -> float32 (features, n); float64 values round to nearest. */
function transposeInto(rows: Float64Array | Float32Array, features: number, shared: boolean): Float32Array {
  const n = rows.length / features;
  const out = new Float32Array(buffer(rows.length * 4, shared));
  for (let i = 0; i < n; i++) for (let f = 0; f < features; f++) out[f * n + i] = rows[i * features + f];
  return out;
}

function buffer(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

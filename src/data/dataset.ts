// The float32 copy of a dataset that training consumes (one conversion per
// dataset), optionally in SharedArrayBuffers so every worker reads one copy.
import type { Dataset, TrainingData } from './types.js';

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

/** Float64 values rounded to float32 (round to nearest, as numpy's astype(float32)). */
export function toFloat32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

type ArrayCtor<T> = { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

function copyInto<T extends Float32Array | Int32Array>(Ctor: ArrayCtor<T>, values: ArrayLike<number>, shared: boolean): T {
  const bytes = values.length * Ctor.BYTES_PER_ELEMENT;
  const out = new Ctor(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  (out as unknown as { set(a: ArrayLike<number>): void }).set(values);
  return out;
}

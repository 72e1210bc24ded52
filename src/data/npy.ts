// NumPy .npy encoding and decoding (format 1.0 / 2.0 / 3.0), little-endian,
// C order, for float64, float32, int64 and int32. Works in Node and browsers.
// Layout: "\x93NUMPY", major, minor, header length (u16 for 1.0, u32 after),
// an ASCII dict {'descr': '<f8', 'fortran_order': False, 'shape': (4000, 40), }
// padded with spaces and "\n" so the data starts at a multiple of 64 bytes.

export type NpyDtype = 'float64' | 'float32' | 'int64' | 'int32';
export type NpyArray = Float64Array | Float32Array | BigInt64Array | Int32Array;

export interface Npy {
  data: NpyArray;
  shape: number[];
  dtype: NpyDtype;
}

const DESCR: Record<NpyDtype, string> = { float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4' };
const BYTES: Record<NpyDtype, number> = { float64: 8, float32: 4, int64: 8, int32: 4 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('npy: this platform is big-endian; only little-endian hosts are supported');

function dtypeOf(array: NpyArray): NpyDtype {
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof BigInt64Array) return 'int64';
  return 'int32';
}

/** The values converted to dtype (float32 rounds to nearest; int64 from integers). */
function convert(array: NpyArray, dtype: NpyDtype): NpyArray {
  if (dtypeOf(array) === dtype) return array;
  const numbers = array instanceof BigInt64Array ? Array.from(array, Number) : array;
  switch (dtype) {
    case 'float64':
      return Float64Array.from(numbers as ArrayLike<number>);
    case 'float32':
      return Float32Array.from(numbers as ArrayLike<number>);
    case 'int32':
      return Int32Array.from(numbers as ArrayLike<number>);
    case 'int64':
      return BigInt64Array.from(Array.from(numbers as ArrayLike<number>), (v) => {
        if (!Number.isInteger(v)) throw new Error(`npy: cannot store ${v} as int64`);
        return BigInt(v);
      });
  }
}

/** Encodes array (C order, product(shape) values) as a .npy file; dtype defaults to the array's own. */
export function toNpy(array: NpyArray, shape: number[], dtype: NpyDtype = dtypeOf(array)): Uint8Array {
  if (!(dtype in DESCR)) throw new Error(`npy: dtype must be one of ${Object.keys(DESCR).join(', ')}, got ${String(dtype)}`);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`npy: shape must be non-negative integers, got [${shape}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) throw new Error(`npy: shape [${shape}] holds ${count} values, the array has ${array.length}`);
  const data = convert(array, dtype);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const small = MAGIC.length + 4 + header.length + 1 <= 65535;
  const prefix = MAGIC.length + 2 + (small ? 2 : 4);
  header += ' '.repeat((64 - ((prefix + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = small ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (small) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}

/** Decodes a .npy file of one of the supported dtypes (little-endian, C order). */
export function fromNpy(bytes: Uint8Array): Npy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('npy: not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new Error(`npy: format version ${major}.${bytes[7]} is not supported (1.0 to 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (prefix + headerLength > bytes.length) throw new Error('npy: truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(prefix, prefix + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`npy: cannot parse header ${JSON.stringify(header.trim())}`);
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((d) => DESCR[d] === descr);
  if (!dtype) throw new Error(`npy: dtype ${descr} is not supported (supported: ${Object.values(DESCR).join(', ')})`);
  if (fortran === 'True') throw new Error('npy: fortran_order True is not supported (save a C-ordered array)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`npy: bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = prefix + headerLength;
  const size = count * BYTES[dtype];
  if (start + size > bytes.length) throw new Error(`npy: truncated data: shape [${shape}] needs ${size} bytes, the file has ${bytes.length - start}`);
  const copy = new Uint8Array(size); // aligned for the typed array (and never a Node Buffer's shared pool)
  copy.set(bytes.subarray(start, start + size));
  const buffer = copy.buffer;
  const data =
    dtype === 'float64' ? new Float64Array(buffer) : dtype === 'float32' ? new Float32Array(buffer) : dtype === 'int64' ? new BigInt64Array(buffer) : new Int32Array(buffer);
  return { data, shape, dtype };
}

// A 0/1 mask as bit-packed base64 (bit i of the stream = entry i, LSB first in
// each byte), to keep masks small inside JSON records. btoa/atob exist in Node
// >= 16 and in browsers.

export function packMask(mask: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(mask.length / 8));
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) bytes[i >> 3] |= 1 << (i & 7);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function unpackMask(bits: string, length: number): Uint8Array {
  const text = atob(bits);
  if (text.length !== Math.ceil(length / 8)) {
    throw new Error(`a packed mask of ${length} entries needs ${Math.ceil(length / 8)} bytes, got ${text.length}`);
  }
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) mask[i] = (text.charCodeAt(i >> 3) >> (i & 7)) & 1;
  return mask;
}

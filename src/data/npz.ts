// NumPy .npz archives: a zip of .npy files (fflate; STORE by default as
// np.savez does, deflate as np.savez_compressed does).
import { unzipSync, zipSync } from 'fflate';

/** Zips named .npy files; names get the ".npy" suffix when they lack it. */
export function toNpz(entries: Record<string, Uint8Array>, opts: { compress?: boolean } = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(entries)) files[name.endsWith('.npy') ? name : `${name}.npy`] = bytes;
  return zipSync(files, { level: opts.compress ? 6 : 0 });
}

/** The .npy files of an .npz archive, keyed by name without ".npy". */
export function fromNpz(bytes: Uint8Array): Record<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new Error(`npz: not a readable zip archive (${(error as Error).message})`);
  }
  const out: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) out[name.replace(/\.npy$/, '')] = data;
  return out;
}

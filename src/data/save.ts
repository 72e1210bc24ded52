// Writes a dataset to a folder (Node only). Each file is written under a
// temporary name and renamed into place once every file is complete, the
// format's last file (args.json or the single file) last: a failed write never
// leaves a result that looks complete.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeDataset, type DatasetFormat, type FloatDtype } from './formats.js';
import type { Dataset } from './types.js';

export interface SaveOptions {
  format?: DatasetFormat;
  dtype?: FloatDtype;
}

/** Saves ds into dir (created if missing); returns the paths written, in order. */
export async function saveDataset(ds: Dataset, dir: string, opts: SaveOptions = {}): Promise<string[]> {
  const files = encodeDataset(ds, opts.format ?? 'npy', opts.dtype ?? 'float64');
  await mkdir(dir, { recursive: true });
  const tag = `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const temps = files.map((f) => join(dir, f.name + tag));
  try {
    for (let i = 0; i < files.length; i++) await writeFile(temps[i], files[i].bytes);
    const finals = files.map((f) => join(dir, f.name));
    for (let i = 0; i < files.length; i++) await rename(temps[i], finals[i]);
    return finals;
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw error;
  }
}

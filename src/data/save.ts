// Writes a dataset to a folder (Node only), streaming each file chunk by chunk
// (formats.ts) under a temporary name; the files are renamed into place once
// every one is complete, the format's last file (args.json or the single file)
// last: a failed write never leaves a result that looks complete.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '../io/atomic-write.js';
import { datasetFiles, type DatasetFormat, type FloatDtype } from './formats.js';
import type { Dataset } from './types.js';

export interface SaveOptions {
  format?: DatasetFormat;
  dtype?: FloatDtype;
}

/** Saves ds into dir (created if missing); returns the paths written, in order. */
export async function saveDataset(ds: Dataset, dir: string, opts: SaveOptions = {}): Promise<string[]> {
  const files = datasetFiles(ds, opts.format ?? 'npy', opts.dtype ?? 'float64').map((file) => ({ path: join(dir, file.name), data: file.chunks() }));
  await mkdir(dir, { recursive: true });
  await writeFilesAtomic(files);
  return files.map((file) => file.path);
}

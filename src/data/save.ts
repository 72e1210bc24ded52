// Writes a dataset to a folder (Node only), streaming each file chunk by chunk
// (formats.ts) under a temporary name; the files are renamed into place once
// every one is complete, the format's last file (args.json or the single file)
// last: a failed write never leaves a result that looks complete. Files another
// format would have written there (an earlier save in another format) are removed
// once the new files are in place, so the folder holds one dataset.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '../io/atomic-write.js';
import { DATASET_FORMATS, datasetFiles, type DatasetFormat, type FloatDtype } from './formats.js';
import type { Dataset } from './types.js';

export interface SaveOptions {
  format?: DatasetFormat;
  dtype?: FloatDtype;
}

/** Saves ds into dir (created if missing); returns the paths written, in order. */
export async function saveDataset(ds: Dataset, dir: string, opts: SaveOptions = {}): Promise<string[]> {
  const format = opts.format ?? 'npy';
  const files = datasetFiles(ds, format, opts.dtype ?? 'float64').map((file) => ({ path: join(dir, file.name), data: file.chunks() }));
  await mkdir(dir, { recursive: true });
  await writeFilesAtomic(files);
  // datasetFiles only names the files (their bytes are made when written)
  const written = new Set(files.map((file) => file.path));
  const others = DATASET_FORMATS.flatMap((other) => datasetFiles(ds, other, 'float64').map((file) => join(dir, file.name)));
  await Promise.all(others.filter((path) => !written.has(path)).map((path) => rm(path, { force: true })));
  return files.map((file) => file.path);
}

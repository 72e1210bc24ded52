// Datasets made for a sweep's workers: each distinct DatasetArgs is generated once
// (keyed by its canonical args) and converted to FeatureMajorData, the layout the
// engine trains on. The worker pool makes them on the main thread in
// SharedArrayBuffers where the platform allows it (Node; a cross-origin-isolated
// page), so that every worker reads one copy; a worker given none makes its own.
import { featureMajorData } from '../data/dataset.js';
import { loadGenerator } from '../data/generator.js';
import type { DatasetArgs } from '../data/types.js';
import { hashKey } from './canonical.js';
import type { SharedDataset } from './task.js';

/** The key of a dataset: the hash of its fully-defaulted args. */
export function datasetKey(args: DatasetArgs): string {
  return hashKey(args);
}

/** True where a SharedArrayBuffer can be posted to workers. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  return isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export class DatasetCache {
  private readonly datasets = new Map<string, Promise<SharedDataset>>();

  /** `shared`: make the arrays in SharedArrayBuffers (where the platform has them). */
  constructor(private readonly shared: boolean) {}

  /** The dataset for fully-defaulted `args`, generated on first request. */
  get(args: DatasetArgs): Promise<SharedDataset> {
    const key = datasetKey(args);
    let dataset = this.datasets.get(key);
    if (!dataset) {
      dataset = this.generate(key, args);
      this.datasets.set(key, dataset);
    }
    return dataset;
  }

  private async generate(key: string, args: DatasetArgs): Promise<SharedDataset> {
    const generator = await loadGenerator();
    return { key, args, data: featureMajorData(generator.make(args), { shared: this.shared }) };
  }
}

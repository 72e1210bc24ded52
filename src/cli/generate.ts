// `mnist1d generate --out DIR [dataset flags] [--format F] [--dtype D]`:
// regenerates MNIST-1D exactly and writes it in one of the output formats.
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { makeDataset } from '../data/generator.js';
import { DATASET_FORMATS, FLOAT_DTYPES, type DatasetFormat, type FloatDtype } from '../data/formats.js';
import { saveDataset } from '../data/save.js';
import { prepareOutputFolder } from '../io/output-folder.js';
import { addDatasetOptions, resolveDatasetOptions } from './dataset-options.js';

export function registerGenerate(program: Command): void {
  const cmd = program
    .command('generate')
    .description('regenerate the MNIST-1D dataset (bit-identical to the reference numpy generator) and save it')
    .requiredOption('--out <dir>', 'output folder (created if missing)');
  addDatasetOptions(cmd);
  cmd
    .addOption(new Option('--format <format>', 'npy: one .npy per array; npz: mnist1d.npz; json: mnist1d.json; csv: x.csv, x_test.csv (label first), t.csv').choices(DATASET_FORMATS).default('npy'))
    .addOption(new Option('--dtype <dtype>', 'float type of x, x_test and t').choices(FLOAT_DTYPES).default('float64'))
    .action(async (opts: Record<string, unknown>) => {
      const args = resolveDatasetOptions(opts);
      prepareOutputFolder(String(opts.out)); // before any work
      const t0 = performance.now();
      const ds = await makeDataset(args);
      const ms = performance.now() - t0;
      const dir = resolve(String(opts.out));
      const format = opts.format as DatasetFormat;
      const dtype = opts.dtype as FloatDtype;
      const files = await saveDataset(ds, dir, { format, dtype });
      const counts = new Array<number>(10).fill(0);
      for (const label of [...ds.y, ...ds.yTest]) counts[label]++;
      const n = ds.y.length + ds.yTest.length;
      console.log(`generated ${n} examples x ${args.finalSeqLength} (train ${ds.y.length}, test ${ds.yTest.length}) in ${ms.toFixed(0)} ms`);
      console.log(`classes: ${counts.map((c, i) => `${i}:${c}`).join(' ')}${args.labelNoise > 0 ? ` (training labels after ${args.labelNoise} label noise)` : ''}`);
      console.log(`wrote ${format} (${dtype}) to ${dir}: ${files.map((f) => f.slice(dir.length + 1)).join(', ')}`);
    });
}

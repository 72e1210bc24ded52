// Dataset generation speed: in-process make() on a compiled, warmed-up
// generator, against the reference numpy generator's time for the default
// dataset (REFERENCE_DEFAULT_S, from ../shared/anchors/ANCHORS.md, measured on this machine kind).
import { defaultDatasetArgs } from '../src/data/args.js';
import { Generator } from '../src/data/generator.js';
import type { DatasetArgs } from '../src/data/types.js';
import type { BenchOptions, BenchTable } from './table.js';

const REFERENCE_DEFAULT_S = 0.72;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time (ms) of each of `runs` calls after `warmup` untimed ones. */
function time(call: () => unknown, warmup: number, runs: number): number[] {
  for (let i = 0; i < warmup; i++) call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  return times;
}

export async function generateSection(options: BenchOptions = { quick: false }): Promise<BenchTable> {
  const generator = await Generator.create();
  const warmup = 5;
  const runs = options.quick ? 5 : 21;
  const cases: [string, DatasetArgs][] = [
    ['default (5000)', defaultDatasetArgs()],
    ['16000 examples', { ...defaultDatasetArgs(), numSamples: 16000, trainSplit: 0.25 }],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, args] of cases) {
    const referenceMs = (REFERENCE_DEFAULT_S * 1000 * args.numSamples) / 5000;
    for (const [call, label] of [
      [() => generator.makeTransient(args), 'makeTransient (in wasm memory)'],
      [() => generator.make(args), 'make (copied out)'],
    ] as const) {
      const times = time(call, warmup, runs);
      const ms = median(times);
      rows.push([name, label, ms, Math.min(...times), Math.round((args.numSamples / ms) * 1000), `${Math.round(referenceMs / ms)}x`]);
    }
  }
  return {
    title: 'Dataset generation (float64, bit-identical to numpy)',
    columns: ['dataset', 'call', 'median ms', 'min ms', 'examples/s', 'vs numpy reference'],
    rows,
    notes: [
      `In-process Generator calls with the wasm compiled and ${warmup} warm-up calls; median of ${runs} runs.`,
      'make() adds the copy into fresh JS arrays (1.6 MB for the default); fresh memory costs page faults, slow on this machine kind (measured: about 13 us per 4 KiB page).',
      `Reference: numpy 1.24 + scipy 1.10 make the default dataset in ${REFERENCE_DEFAULT_S} s on this machine kind (ANCHORS.md); the 16000 rows scale it linearly.`,
    ],
  };
}

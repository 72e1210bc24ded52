// Masked training, one core: the lottery study's 500-unit residual MLP (Adam,
// batch 100) under random per-layer masks of decreasing density, trained with
// the dense kernels (pruned weights multiplied as zeros) and with the sparse
// kernels (assembly/nn/sparse.ts), side by side. The crossover sets
// SPARSE_MAX_DENSITY, the density below which a masked layer goes sparse.
import type { Trainer } from '../src/train/trainer.js';
import { SPARSE_MAX_DENSITY } from '../src/train/trainer.js';
import { measureEngineSteps } from './engine-speed.js';
import { formatNumber, type BenchOptions, type BenchTable } from './table.js';

const CONFIG = { model: 'mlp', hidden: 500, optimizer: 'adam', lr: 2e-2, batchSize: 100 } as const;
const DENSITIES = [1, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.03];

/** Keeps about `density` of every layer's parameters (deterministic). */
function maskWith(density: number, sparseMaxDensity: number): (trainer: Trainer) => void {
  return (trainer) => {
    let s = 12345;
    const mask = Float32Array.from({ length: trainer.paramCount }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 < density ? 1 : 0));
    trainer.setMask(mask, { sparseMaxDensity });
  };
}

export async function sparseSection({ quick }: BenchOptions): Promise<BenchTable> {
  const seconds = quick ? 0.3 : 1.5;
  const rows: (string | number)[][] = [];
  for (const density of DENSITIES) {
    const dense = await measureEngineSteps(CONFIG, seconds, maskWith(density, 0));
    const sparse = await measureEngineSteps(CONFIG, seconds, maskWith(density, 1));
    const ratio = sparse.stepsPerS / dense.stepsPerS;
    console.error(`sparse: density ${density}: dense ${formatNumber(dense.stepsPerS)}, sparse ${formatNumber(sparse.stepsPerS)} steps/s`);
    rows.push([density, dense.stepsPerS, sparse.stepsPerS, `${formatNumber(ratio)}×`, density <= SPARSE_MAX_DENSITY ? 'sparse' : 'dense']);
  }
  return {
    title: 'Masked training: dense vs sparse kernels (steps/s, lottery MLP 40-500-500-10, Adam, batch 100, one core)',
    columns: ['kept fraction', 'dense kernels', 'sparse kernels', 'sparse / dense', 'used (auto)'],
    rows,
    notes: [
      `Random masks keeping the given fraction of every layer. "used (auto)": the kernels a mask of that density gets (sparse when a layer keeps at most SPARSE_MAX_DENSITY = ${SPARSE_MAX_DENSITY} of its weights).`,
      `${seconds} s per measurement after a warm-up, best of 0.1 s windows.`,
    ],
  };
}

// What the lottery study's records say: the chains, mean accuracy per level,
// first-layer mask spread, and the retrained tickets with their baselines.
import type { TaskRecord } from '../sweep/task.js';
import { criteria, type Criterion, type LotteryChainRecord } from './lottery-chain.js';
import { unpackMask } from './mask-bits.js';
import { finished } from './records.js';

export const labels: Record<Criterion, string> = { magnitude: 'lottery ticket', random: 'random ticket' };

export type Chain = LotteryChainRecord & TaskRecord;

export function chains(records: readonly TaskRecord[]): Chain[] {
  return records.filter((r): r is Chain => r.kind === 'lottery-chain' && r.status === 'ok');
}

/** Mean over the trials of each criterion, per level. */
export function meanCurves(all: readonly Chain[]) {
  const out = new Map<Criterion, { sparsity: number; acc: number; loss: number }[]>();
  for (const criterion of criteria) {
    const own = all.filter((c) => c.config.criterion === criterion);
    if (!own.length) continue;
    const n = Math.min(...own.map((c) => c.levels.length));
    out.set(
      criterion,
      Array.from({ length: n }, (_, i) => ({
        sparsity: own[0].levels[i].sparsity,
        acc: mean(own.map((c) => c.levels[i].test_acc ?? 0)) * 100,
        loss: mean(own.map((c) => c.levels[i].test_loss ?? NaN)),
      })),
    );
  }
  return out;
}

/** Per hidden unit with >= 2 kept inputs, the std of the kept input positions; their mean. */
export function maskSpread(mask: Uint8Array, rows: number, cols: number): { spread: number; units: number } {
  let total = 0;
  let units = 0;
  for (let r = 0; r < rows; r++) {
    const kept: number[] = [];
    for (let c = 0; c < cols; c++) if (mask[r * cols + c]) kept.push(c);
    if (kept.length < 2) continue;
    const m = mean(kept);
    total += Math.sqrt(mean(kept.map((c) => (c - m) ** 2)));
    units++;
  }
  return { spread: units ? total / units : NaN, units };
}

/** Mean spread of the first-layer masks of each criterion at each recorded sparsity. */
export function spreads(all: readonly Chain[]) {
  const rows: { criterion: Criterion; sparsity: number; spread: number; units: number }[] = [];
  for (const criterion of criteria) {
    const own = all.filter((c) => c.config.criterion === criterion);
    const sparsities = [...new Set(own.flatMap((c) => c.masks.map((m) => m.sparsity)))].sort((a, b) => a - b);
    for (const s of sparsities) {
      const results = own.flatMap((c) => c.masks.filter((m) => m.sparsity === s)).map((m) => maskSpread(unpackMask(m.bits, m.rows * m.cols), m.rows, m.cols));
      rows.push({ criterion, sparsity: s, spread: mean(results.map((r) => r.spread)), units: mean(results.map((r) => r.units)) });
    }
  }
  return rows;
}

/** The retrained tickets and the dense baselines, mean test accuracy (%) per data x network. */
export function transfers(records: readonly TaskRecord[], all: readonly Chain[]) {
  const rows: { data: 'fresh' | 'shuffled'; network: string; acc: number }[] = [];
  for (const data of ['fresh', 'shuffled'] as const) {
    const dense = finished(records).filter((r) => r.config.model === 'mlp' && r.config.shuffleSeq === (data === 'shuffled'));
    if (dense.length) {
      rows.push({ data, network: 'dense', acc: mean(dense.map((r) => (r.test_acc ?? 0) * 100)) });
    }
    for (const criterion of criteria) {
      const own = all.filter((c) => c.config.criterion === criterion && c.transfer.some((t) => t.data === data));
      if (!own.length) continue;
      const accs = own.map((c) => (c.transfer.find((t) => t.data === data)!.test_acc ?? 0) * 100);
      rows.push({ data, network: labels[criterion], acc: mean(accs) });
    }
  }
  return rows;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

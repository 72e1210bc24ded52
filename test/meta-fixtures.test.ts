// metaGradient against PyTorch's hypergradients: every fixture file of
// ../shared/reference/torch/meta/ (listed, so new files are picked up), every case.
// Tolerances (float32 engine vs PyTorch's float64 truth): the meta-loss and every inner
// loss within 1e-5 relative; the meta-gradient within 1e-3 relative (2e-5 absolute for
// a near-zero learning-rate gradient; for g's 301 parameters, relative to the norm:
// ||ours - ref|| / ||ref||).
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { trainingData } from '../src/data/dataset.js';
import type { TrainingData } from '../src/data/types.js';
import { metaGradient } from '../src/index.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const files = readdirSync(root).filter((f) => f.endsWith('.json')).sort();

interface Fixture {
  kind: string;
  problem: { steps: number };
  cases: { lr?: number; float64: { metaLoss: number; metaGrad: number | number[]; losses: number[] } }[];
}

const relative = (ours: number, ref: number) => Math.abs(ours - ref) / Math.abs(ref);
const norm = (v: number[]) => Math.hypot(...v);

let data: TrainingData;
beforeAll(async () => {
  data = trainingData(await makeDataset());
});

describe('meta-gradients match PyTorch float64 (../shared/reference/torch/meta)', () => {
  it('finds the fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(resolve(root, file), 'utf8')) as Fixture;
    fixture.cases.forEach((c, i) => {
      it(`${file} case ${i}${c.lr === undefined ? '' : ` (lr ${c.lr})`}: losses, meta-loss and meta-gradient`, async () => {
        const ref = c.float64;
        const out = await metaGradient(fixture.problem, { ...(c.lr !== undefined && { lr: c.lr }), data });
        expect(out.losses).toHaveLength(fixture.problem.steps);
        out.losses.forEach((loss, s) => expect(relative(loss, ref.losses[s]), `loss ${s}`).toBeLessThanOrEqual(1e-5));
        expect(relative(out.metaLoss, ref.metaLoss)).toBeLessThanOrEqual(1e-5);
        if (typeof ref.metaGrad === 'number') {
          const ours = out.metaGrad as number;
          if (Math.abs(ref.metaGrad) < 1e-3) expect(Math.abs(ours - ref.metaGrad)).toBeLessThanOrEqual(2e-5);
          else expect(relative(ours, ref.metaGrad)).toBeLessThanOrEqual(1e-3);
        } else {
          const ours = out.metaGrad as number[];
          expect(ours).toHaveLength(ref.metaGrad.length);
          const diff = ours.map((v, k) => v - (ref.metaGrad as number[])[k]);
          expect(norm(diff) / norm(ref.metaGrad)).toBeLessThanOrEqual(1e-3);
        }
      });
    });
  }
});

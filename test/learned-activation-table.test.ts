// The learned activation f(x) = elu(x) + s·(g(x) + b2), g a 1-G-1 tanh net, is computed
// by the engine through a table (quintic Hermite pieces between g's float64 values and
// two derivatives on a grid of step 1/64; assembly/nn/learned-activation.ts). Here the
// engine's f, f', f'' (MetaSession.activation) are held against g written out in
// float64 at 20 001 points over [-20, 20] and at points between the grid's nodes, for
// the study's initial g (PyTorch's init) and for a steeper one (|w1| up to 3).
// Tolerance: f, f' and f'' within 3e-7 of max(1, |value|), about 5 float32 ulp (observed
// at most 1.0e-7: the float32 rounding of the elu part and of the result dominates; the
// table is within 1e-9 of g and g', its second derivative within about 1e-7 of g'').
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { trainingData } from '../src/data/dataset.js';
import type { TrainingData } from '../src/data/types.js';
import { MetaSession } from '../src/meta/meta-gradient.js';
import { torchLinearInit } from '../src/meta/torch-init.js';

const root = resolve(import.meta.dirname, '../../shared/reference/torch/meta');
const problem = JSON.parse(readFileSync(resolve(root, 'meta_act_k20.json'), 'utf8')).problem;
const G = problem.activation.sizes[1] as number;
const scale = problem.activation.scale as number;

/** f, f', f'' in float64 from θ (w1, b1, w2, b2) as float32 values. */
function exact(theta: Float32Array, x: number): [number, number, number] {
  let g = theta[3 * G], g1 = 0, g2 = 0;
  for (let j = 0; j < G; j++) {
    const w1 = theta[j], w2 = theta[2 * G + j];
    const t = Math.tanh(w1 * x + theta[G + j]);
    const u = 1 - t * t;
    g += w2 * t;
    g1 += w2 * w1 * u;
    g2 += -2 * w2 * w1 * w1 * t * u;
  }
  const e = Math.exp(x);
  return [(x > 0 ? x : e - 1) + scale * g, (x > 0 ? 1 : e) + scale * g1, (x > 0 ? 0 : e) + scale * g2];
}

/** A steeper g: w1 and b1 uniform in [-3, 3], w2 in [-0.3, 0.3] (a fixed xorshift stream). */
function steepTheta(): Float32Array {
  let s = 12345;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
  return Float32Array.from({ length: 3 * G + 1 }, (_, i) => (i < 2 * G ? 3 : 0.3) * next());
}

let data: TrainingData;
beforeAll(async () => {
  data = trainingData(await makeDataset());
});

describe('the learned activation through its table', () => {
  const points = Float32Array.from([
    ...Array.from({ length: 20_001 }, (_, i) => -20 + i * 0.002),
    // just off the nodes k/64 and halfway between them
    ...Array.from({ length: 400 }, (_, i) => (i - 200) / 64 + 1e-6),
    ...Array.from({ length: 400 }, (_, i) => (i - 200 + 0.5) / 64),
  ]);
  const cases: [string, () => Float32Array][] = [
    ['the study\'s initial g (PyTorch init)', () => Float32Array.from(torchLinearInit(0, [1, G, 1]))],
    ['a steeper g (|w1| up to 3)', steepTheta],
  ];
  for (const [name, makeTheta] of cases) {
    it(`${name}: f, f', f'' equal the float64 net`, async () => {
      const theta = makeTheta();
      const session = await MetaSession.create(problem, { data });
      try {
        const out = session.activation(points, { activationParams: theta });
        let worst = [0, 0, 0];
        points.forEach((x, i) => {
          const ref = exact(theta, x);
          const got = [out.f[i], out.d1[i], out.d2[i]];
          worst = worst.map((w, k) => Math.max(w, Math.abs(got[k] - ref[k]) / Math.max(1, Math.abs(ref[k]))));
        });
        expect(worst[0], 'f').toBeLessThanOrEqual(3e-7);
        expect(worst[1], "f'").toBeLessThanOrEqual(3e-7);
        expect(worst[2], "f''").toBeLessThanOrEqual(3e-7);
      } finally {
        session.dispose();
      }
    });
  }

  it('follows new parameters, and gives NaN beyond the table (|x| >= 512)', async () => {
    const session = await MetaSession.create(problem, { data });
    try {
      const first = session.activation([0.5, -1.5]);
      const steep = steepTheta();
      const second = session.activation([0.5, -1.5], { activationParams: steep });
      expect(second.f[0]).not.toBe(first.f[0]);
      expect(second.f[0]).toBeCloseTo(exact(steep, 0.5)[0], 6);
      const beyond = session.activation([511.9, 512, -600]);
      expect(Number.isFinite(beyond.f[0])).toBe(true);
      expect(Array.from(beyond.f.subarray(1))).toEqual([NaN, NaN]);
      expect(() => session.activation([Number.NaN])).toThrow('x must be an array of finite numbers');
    } finally {
      session.dispose();
    }
  });
});

// Meta-gradients against central finite differences of the meta-loss, on small
// problems with odd sizes (hidden 7 and 13, batch 5 and 7: padded columns; g with 5
// hidden units), both optimizers, with and without noise, every activation. The
// yardstick is a float64 re-implementation of the unrolled inner loop (the fixture
// format's formulas) at the same float32 starting point; its derivatives are central
// differences (h = 1e-6 relative, so truncation and rounding stay near 1e-10).
// Tolerance (float32 engine vs float64 differences): the meta-loss, d/d(lr) and d/dθ
// (in norm, and per element relative to the norm) within 1e-5 relative.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/generator.js';
import { trainingData } from '../src/data/dataset.js';
import type { TrainingData } from '../src/data/types.js';
import { metaGradient } from '../src/meta/meta-gradient.js';
import { mlpParamCount } from '../src/meta/problem.js';

const IN = 40;
const C = 10;

/** A deterministic stream in [-1, 1), rounded to float32. */
function uniforms(n: number, seed: number, scale = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return Math.fround(scale * (((s >>> 0) / 2 ** 32) * 2 - 1));
  });
}

interface Case {
  name: string;
  hidden: number;
  batch: number;
  steps: number;
  last: number;
  activation: 'tanh' | 'elu' | 'learned';
  optimizer: 'sgd' | 'rmsprop';
  noise: boolean;
  lr: number;
}

const G = 5;

function makeProblem(c: Case) {
  const params = mlpParamCount(IN, c.hidden, C);
  const learned = c.activation === 'learned';
  return {
    dataset: 'default',
    rows: 'sequential',
    batchSize: c.batch,
    steps: c.steps,
    metaLoss: { lastLosses: c.last },
    model: { sizes: [IN, c.hidden, C], activation: c.activation },
    optimizer: c.optimizer === 'sgd' ? { name: 'sgd' } : { name: 'rmsprop-notebook', lr: c.lr, alpha: 0.4, eps: 1e-8, squareAvgInit: 1 },
    ...(learned && { activation: { base: 'elu', scale: 0.2, sizes: [1, G, 1], hidden: 'tanh', params: uniforms(3 * G + 1, 7, 0.8) } }),
    noise: c.noise
      ? {
          inner: Array.from({ length: c.steps }, (_, s) => uniforms(c.hidden, 100 + s, 0.1)),
          ...(learned && { activation: Array.from({ length: c.steps }, (_, s) => uniforms(G, 500 + s, 0.1)) }),
        }
      : null,
    initialParams: uniforms(params, 3, 1 / Math.sqrt(IN)),
  };
}
type Problem = ReturnType<typeof makeProblem>;

/** The meta-loss in float64: the inner loop of the fixture format, written out plainly. */
function metaLoss64(problem: Problem, data: TrainingData, lr: number, theta: number[] | undefined): number {
  const H = problem.model.sizes[1];
  const B = problem.batchSize;
  const K = problem.steps;
  const M = problem.metaLoss.lastLosses;
  const rms = problem.optimizer.name === 'rmsprop-notebook';
  const opt = problem.optimizer as { alpha: number; eps: number; squareAvgInit: number };
  const p = Float64Array.from(problem.initialParams);
  const v = new Float64Array(p.length).fill(rms ? opt.squareAvgInit : 0);
  const [oW1, ob1, oW2, ob2] = [0, H * IN, H * IN + H, H * IN + H + C * H];
  const kind = problem.model.activation;
  const scale = problem.activation?.scale ?? 0;
  const gHidden = theta ? (theta.length - 1) / 3 : 0;
  let meta = 0;
  for (let t = 0; t < K; t++) {
    const nInner = problem.noise?.inner[t];
    const nAct = (problem.noise as { activation?: number[][] } | null)?.activation?.[t];
    const act = (z: number): [number, number] => {
      if (kind === 'tanh') {
        const y = Math.tanh(z);
        return [y, 1 - y * y];
      }
      let y = z > 0 ? z : Math.exp(z) - 1;
      let d = z > 0 ? 1 : Math.exp(z);
      if (kind === 'learned' && theta) {
        let gv = theta[3 * gHidden];
        let gd = 0;
        for (let j = 0; j < gHidden; j++) {
          const th = Math.tanh(theta[j] * z + theta[gHidden + j]);
          gv += theta[2 * gHidden + j] * (th + (nAct ? nAct[j] : 0));
          gd += theta[2 * gHidden + j] * theta[j] * (1 - th * th);
        }
        y += scale * gv;
        d += scale * gd;
      }
      return [y, d];
    };
    const grad = new Float64Array(p.length);
    let loss = 0;
    for (let e = 0; e < B; e++) {
      const r = (t * B + e) % data.y.length;
      const x = data.x.subarray(r * IN, r * IN + IN);
      const z = new Float64Array(H), a = new Float64Array(H), d1 = new Float64Array(H);
      for (let h = 0; h < H; h++) {
        let s = p[ob1 + h];
        for (let i = 0; i < IN; i++) s += p[oW1 + h * IN + i] * x[i];
        z[h] = s;
        [a[h], d1[h]] = act(s);
        if (nInner) a[h] += nInner[h];
      }
      const logits = Array.from({ length: C }, (_, c) => {
        let s = p[ob2 + c];
        for (let h = 0; h < H; h++) s += p[oW2 + c * H + h] * a[h];
        return s;
      });
      const m = Math.max(...logits);
      const sum = logits.reduce((acc, l) => acc + Math.exp(l - m), 0);
      const label = data.y[r];
      loss += (m + Math.log(sum) - logits[label]) / B;
      const dl = logits.map((l, c) => (Math.exp(l - m) / sum - (c === label ? 1 : 0)) / B);
      for (let c = 0; c < C; c++) {
        grad[ob2 + c] += dl[c];
        for (let h = 0; h < H; h++) grad[oW2 + c * H + h] += dl[c] * a[h];
      }
      for (let h = 0; h < H; h++) {
        let da = 0;
        for (let c = 0; c < C; c++) da += p[oW2 + c * H + h] * dl[c];
        const dz = da * d1[h];
        grad[ob1 + h] += dz;
        for (let i = 0; i < IN; i++) grad[oW1 + h * IN + i] += dz * x[i];
      }
    }
    if (t >= K - M) meta += loss / M;
    for (let i = 0; i < p.length; i++) {
      if (rms) {
        v[i] = opt.alpha * v[i] + (1 - opt.alpha) * grad[i] * grad[i];
        p[i] -= (lr * grad[i]) / (Math.sqrt(v[i]) + opt.eps);
      } else {
        p[i] -= lr * grad[i];
      }
    }
  }
  return meta;
}

function centralDifference(f: (h: number) => number, h: number): number {
  return (f(h) - f(-h)) / (2 * h);
}

const cases: Case[] = [
  { name: 'tanh, SGD, hidden 7, batch 5', hidden: 7, batch: 5, steps: 9, last: 4, activation: 'tanh', optimizer: 'sgd', noise: false, lr: 0.9 },
  { name: 'tanh, SGD, noise, hidden 13, batch 7', hidden: 13, batch: 7, steps: 8, last: 8, activation: 'tanh', optimizer: 'sgd', noise: true, lr: 0.4 },
  { name: 'elu, RMSprop, hidden 7, batch 7', hidden: 7, batch: 7, steps: 7, last: 3, activation: 'elu', optimizer: 'rmsprop', noise: false, lr: 0.01 },
  { name: 'elu, RMSprop, noise, hidden 13, batch 5', hidden: 13, batch: 5, steps: 9, last: 5, activation: 'elu', optimizer: 'rmsprop', noise: true, lr: 0.02 },
  { name: 'learned, SGD, hidden 7, batch 5', hidden: 7, batch: 5, steps: 7, last: 4, activation: 'learned', optimizer: 'sgd', noise: false, lr: 0.5 },
  { name: 'learned, SGD, noise, hidden 13, batch 7', hidden: 13, batch: 7, steps: 8, last: 5, activation: 'learned', optimizer: 'sgd', noise: true, lr: 0.3 },
  { name: 'learned, RMSprop, hidden 7, batch 7', hidden: 7, batch: 7, steps: 8, last: 4, activation: 'learned', optimizer: 'rmsprop', noise: false, lr: 0.01 },
  { name: 'learned, RMSprop, noise, hidden 13, batch 5', hidden: 13, batch: 5, steps: 9, last: 6, activation: 'learned', optimizer: 'rmsprop', noise: true, lr: 0.01 },
];

let data: TrainingData;
beforeAll(async () => {
  data = trainingData(await makeDataset());
});

describe('meta-gradients match central finite differences of a float64 inner loop', () => {
  for (const c of cases) {
    const problem = makeProblem(c);
    const lr = Math.fround(c.lr);
    const theta = (problem as { activation?: { params: number[] } }).activation?.params;

    it(`${c.name}: d(meta-loss)/d(lr)`, async () => {
      const out = await metaGradient(problem, { lr, wrt: 'lr', data });
      const ref = metaLoss64(problem, data, lr, theta);
      expect(Math.abs(out.metaLoss / ref - 1)).toBeLessThanOrEqual(1e-5);
      const fd = centralDifference((h) => metaLoss64(problem, data, lr + h, theta), 1e-6 * lr);
      expect(Math.abs((out.metaGrad as number) / fd - 1)).toBeLessThanOrEqual(1e-5);
    });

    if (!theta) continue;
    it(`${c.name}: d(meta-loss)/d(activation parameters)`, async () => {
      const out = await metaGradient(problem, { lr, wrt: 'activation', data });
      const ours = out.metaGrad as number[];
      const fd = theta.map((_, k) =>
        centralDifference((h) => metaLoss64(problem, data, lr, theta.map((v, i) => (i === k ? v + h : v))), 1e-6),
      );
      const norm = Math.hypot(...fd);
      ours.forEach((g, k) => expect(Math.abs(g - fd[k]), `parameter ${k}`).toBeLessThanOrEqual(1e-5 * norm));
      expect(Math.hypot(...ours.map((g, k) => g - fd[k])) / norm).toBeLessThanOrEqual(1e-5);
    });
  }
});

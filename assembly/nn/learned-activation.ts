// The learned activation of the meta-learning notebook, applied elementwise:
//   f(x) = elu(x) + s·(g(x) + o),   g(x) = Σ_j w2_j tanh(w1_j x + b1_j)
// θ (3G+1 floats, PyTorch's order): w1 at θ[0..G), b1 at θ[G..2G), w2 at θ[2G..3G), b2
// at θ[3G]; the offset o = b2 + Σ_j w2_j ν_j carries the noise ν (G values of a step,
// added to g's hidden layer after its tanh), s is the scale.
//
// g is evaluated through a table instead of G tanh per element (1.28 M per batch of
// the notebook's MLP): on the grid x_k = k·h (h = 1/64), g, g' and g'' are computed in
// float64 when first needed, and on each interval [x_k, x_k+1] the engine computes with
// the quintic q(t) = Σ_m c_m t^m, t = x/h - k ∈ [0, 1), that matches g, g', g'' at both
// ends (quintic Hermite; q, q', q'' are continuous). For the notebook's θ, q differs
// from g by < 1e-10, q' from g' by < 1e-8, q'' from g'' by < 1e-7 (relative): below
// float32's own rounding of f (test/learned-activation-table.test.ts holds the engine's
// f, f', f'' to the float64 net within that rounding).
// Derivatives are those of this computation: f' = elu' + s q'/h, f'' = elu'' + s q''/h²,
// and the θ-gradient goes through the coefficients c (linear in the nodes' g, g', g'')
// to θ. Since θ is fixed over an inner loop, the coefficients' adjoint is summed over
// all its steps first and taken to θ once (finishAdjoint), over the nodes it touched.
// Pre-activations with |x| >= RANGE (and NaN) give NaN: the run reads as diverged.
import { ACTIVATION_ELU } from "../abi/plan";
import { activationWithDerivatives } from "./activation-tangent";

const INV_H: f64 = 64; // 1 / h, a power of two: x / h and s are exact
const H: f64 = 1.0 / INV_H;
const RANGE: f64 = 512;
const INTERVALS: i32 = <i32>(2 * RANGE * INV_H); // interval i covers [x_k, x_k+1], k = i - MID
const MID: i32 = INTERVALS >> 1;
const COEFFS = 6;

// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

function zeroedF64(n: i32): usize {
  const bytes = <usize>n << 3;
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

/** The learned activation of one meta-problem: θ (host memory, f32), its table and the θ-gradient's accumulators. */
export class LearnedActivation {
  /** θ as the table was built for (a change of the host's θ rebuilds it). */
  built: usize;
  /** Per node k (index i = k + MID): g, g', g'' (f64). */
  nodes: usize;
  /** Per interval: c_0..c_5 (f64), valid for intervals [lo, hi). */
  coeffs: usize;
  lo: i32 = MID;
  hi: i32 = MID;
  /** The adjoint of every interval's coefficients, summed over a reverse sweep: [barLo, barHi) touched. */
  bar: usize;
  barLo: i32 = MID;
  barHi: i32 = MID;
  /** The θ-gradient being summed (f64, 3G+1). */
  thetaBar: usize;

  constructor(public G: i32, public theta: usize, public scale: f64) {
    this.built = heap.alloc(<usize>(3 * G + 1) << 2);
    this.nodes = zeroedF64(3 * (INTERVALS + 1));
    this.coeffs = zeroedF64(COEFFS * INTERVALS);
    this.bar = zeroedF64(COEFFS * INTERVALS);
    this.thetaBar = zeroedF64(3 * G + 1);
  }

  /** Drops the table if the host changed θ since it was built. */
  sync(): void {
    const bytes = <usize>(3 * this.G + 1) << 2;
    if (memory.compare(this.built, this.theta, bytes) == 0 && this.hi > this.lo) return;
    memory.copy(this.built, this.theta, bytes);
    this.lo = this.hi = MID;
  }

  /** g, g', g'' at node i (x = (i - MID)·h) into the node table. */
  computeNode(i: i32): void {
    const G = this.G, th = this.theta;
    const x = <f64>(i - MID) * H;
    let g: f64 = 0, g1: f64 = 0, g2: f64 = 0;
    for (let j = 0; j < G; j++) {
      const w1 = <f64>load<f32>(th + (<usize>j << 2));
      const b1 = <f64>load<f32>(th + (<usize>(G + j) << 2));
      const w2 = <f64>load<f32>(th + (<usize>(2 * G + j) << 2));
      const t = Math.tanh(w1 * x + b1);
      const u = 1 - t * t;
      g += w2 * t;
      g1 += w2 * w1 * u;
      g2 -= 2 * w2 * w1 * w1 * t * u;
    }
    const p = f64At(this.nodes, 3 * i);
    store<f64>(p, g);
    store<f64>(p, g1, 8);
    store<f64>(p, g2, 16);
  }

  /** The quintic of interval i from nodes i and i + 1 (see the header). */
  computeInterval(i: i32): void {
    const a = f64At(this.nodes, 3 * i), b = a + 24;
    const c0 = load<f64>(a), c1 = H * load<f64>(a, 8), c2 = 0.5 * H * H * load<f64>(a, 16);
    const b0 = load<f64>(b), b1 = H * load<f64>(b, 8), b2 = 0.5 * H * H * load<f64>(b, 16);
    const r0 = b0 - c0 - c1 - c2, r1 = b1 - c1 - 2 * c2, r2 = 2 * b2 - 2 * c2;
    const c = f64At(this.coeffs, COEFFS * i);
    store<f64>(c, c0);
    store<f64>(c, c1, 8);
    store<f64>(c, c2, 16);
    store<f64>(c, 10 * r0 - 4 * r1 + 0.5 * r2, 24);
    store<f64>(c, -15 * r0 + 7 * r1 - r2, 32);
    store<f64>(c, 6 * r0 - 3 * r1 + 0.5 * r2, 40);
  }

  /** Extends the valid intervals [lo, hi) to include interval i (contiguously). */
  cover(i: i32): void {
    let lo = this.lo, hi = this.hi;
    if (lo == hi) {
      this.computeNode(i);
      lo = i;
      hi = i;
    }
    // nodes [lo, hi] are computed; intervals [lo, hi) are valid
    while (i < lo) {
      lo--;
      this.computeNode(lo);
      this.computeInterval(lo);
    }
    while (i >= hi) {
      this.computeNode(hi + 1);
      this.computeInterval(hi);
      hi++;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** The offset o = b2 + Σ w2_j ν_j (noise: G floats or 0). */
  offset(noise: usize): f64 {
    const G = this.G, w2 = this.theta + (<usize>(2 * G) << 2);
    let o = <f64>load<f32>(this.theta + (<usize>(3 * G) << 2));
    if (noise) for (let j = 0; j < G; j++) o += <f64>load<f32>(w2 + (<usize>j << 2)) * <f64>load<f32>(noise + (<usize>j << 2));
    return o;
  }

  /** y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x), over n floats (n a multiple of 4). */
  forward(n: i32, x: usize, y: usize, d1: usize, d2: usize, noise: usize): void {
    activationWithDerivatives(ACTIVATION_ELU, n, x, y, d1, d2);
    const s = this.scale, o = this.offset(noise);
    for (let e = 0; e < n; e++) {
      const at = <usize>e << 2;
      const u = <f64>load<f32>(x + at) * INV_H;
      if (!(Math.abs(u) < RANGE * INV_H)) {
        store<f32>(y + at, NaN);
        store<f32>(d1 + at, NaN);
        if (d2) store<f32>(d2 + at, NaN);
        continue;
      }
      const k = Math.floor(u), t = u - k;
      const i = <i32>k + MID;
      if (i < this.lo || i >= this.hi) this.cover(i);
      const c = f64At(this.coeffs, COEFFS * i);
      const c0 = load<f64>(c), c1 = load<f64>(c, 8), c2 = load<f64>(c, 16);
      const c3 = load<f64>(c, 24), c4 = load<f64>(c, 32), c5 = load<f64>(c, 40);
      const q = c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * c5))));
      const q1 = c1 + t * (2 * c2 + t * (3 * c3 + t * (4 * c4 + t * 5 * c5)));
      store<f32>(y + at, <f32>(<f64>load<f32>(y + at) + s * (q + o)));
      store<f32>(d1 + at, <f32>(<f64>load<f32>(d1 + at) + s * INV_H * q1));
      if (d2) {
        const q2 = 2 * c2 + t * (6 * c3 + t * (12 * c4 + t * 20 * c5));
        store<f32>(d2 + at, <f32>(<f64>load<f32>(d2 + at) + s * INV_H * INV_H * q2));
      }
    }
  }

  /** Starts a reverse sweep: the θ-gradient and the coefficients' adjoint at zero. */
  beginAdjoint(): void {
    memory.fill(this.thetaBar, 0, <usize>(3 * this.G + 1) << 3);
    if (this.barLo < this.barHi) memory.fill(f64At(this.bar, COEFFS * this.barLo), 0, <usize>(COEFFS * (this.barHi - this.barLo)) << 3);
    this.barLo = this.barHi = MID;
  }

  /**
   * One reverse step through f (after forward on the same x): adds to the θ-gradient
   * the tangent of ∂L/∂θ along ẋ (xDot) and dẏ (dyDot), plus c · ∂L/∂θ (the step's own
   * loss in the meta-loss); dy = ∂L/∂y. Both are linear in P = dẏ + c dy and Q = dy ẋ:
   * through q's coefficients c̄_m += s (P t^m + Q m t^(m-1) / h), through the offset
   * b̄2 += s Σ P, w̄2_j += s ν_j Σ P.
   */
  adjointStep(n: i32, x: usize, dy: usize, xDot: usize, dyDot: usize, c: f32, noise: usize): void {
    const cw = <f64>c;
    let sumP: f64 = 0;
    let barLo = this.barLo, barHi = this.barHi;
    if (barLo >= barHi) { // none touched yet
      barLo = INTERVALS;
      barHi = 0;
    }
    for (let e = 0; e < n; e++) {
      const at = <usize>e << 2;
      const u = <f64>load<f32>(x + at) * INV_H;
      if (!(Math.abs(u) < RANGE * INV_H)) continue; // f was NaN there
      const d = <f64>load<f32>(dy + at);
      const P = <f64>load<f32>(dyDot + at) + cw * d;
      const Q = d * <f64>load<f32>(xDot + at) * INV_H;
      sumP += P;
      const k = Math.floor(u), t = u - k;
      const i = <i32>k + MID;
      barLo = min(barLo, i);
      barHi = max(barHi, i + 1);
      const t2 = t * t, t3 = t2 * t, t4 = t3 * t;
      const b = f64At(this.bar, COEFFS * i);
      store<f64>(b, load<f64>(b) + P);
      store<f64>(b, load<f64>(b, 8) + P * t + Q, 8);
      store<f64>(b, load<f64>(b, 16) + P * t2 + 2 * Q * t, 16);
      store<f64>(b, load<f64>(b, 24) + P * t3 + 3 * Q * t2, 24);
      store<f64>(b, load<f64>(b, 32) + P * t4 + 4 * Q * t3, 32);
      store<f64>(b, load<f64>(b, 40) + P * t4 * t + 5 * Q * t4, 40);
    }
    if (barLo < barHi) {
      this.barLo = barLo;
      this.barHi = barHi;
    }
    const G = this.G, s = this.scale;
    const b2 = f64At(this.thetaBar, 3 * G);
    store<f64>(b2, load<f64>(b2) + s * sumP);
    if (noise) {
      for (let j = 0; j < G; j++) {
        const w = f64At(this.thetaBar, 2 * G + j);
        store<f64>(w, load<f64>(w) + s * <f64>load<f32>(noise + (<usize>j << 2)) * sumP);
      }
    }
  }

  /**
   * Ends a reverse sweep: takes the coefficients' adjoint back to the nodes' g, g', g''
   * (the transpose of computeInterval) and from there to θ, and writes the θ-gradient
   * to out (3G+1 f32).
   */
  finishAdjoint(out: usize): void {
    const G = this.G, th = this.theta, s = this.scale;
    // the adjoint of node k's (g, g', g'') carried from interval k - 1
    let carry0: f64 = 0, carry1: f64 = 0, carry2: f64 = 0;
    const lo = this.barLo, hi = this.barHi;
    for (let k = lo; k <= hi && lo < hi; k++) {
      let n0 = carry0, n1 = carry1, n2 = carry2;
      carry0 = carry1 = carry2 = 0;
      if (k < hi) {
        const b = f64At(this.bar, COEFFS * k);
        const e0 = load<f64>(b), e1 = load<f64>(b, 8), e2 = load<f64>(b, 16);
        const e3 = load<f64>(b, 24), e4 = load<f64>(b, 32), e5 = load<f64>(b, 40);
        const r0 = 10 * e3 - 15 * e4 + 6 * e5, r1 = -4 * e3 + 7 * e4 - 3 * e5, r2 = 0.5 * e3 - e4 + 0.5 * e5;
        n0 += e0 - r0;
        n1 += H * (e1 - r0 - r1);
        n2 += 0.5 * H * H * (e2 - r0 - 2 * r1 - 2 * r2);
        carry0 = r0;
        carry1 = H * r1;
        carry2 = H * H * r2;
      }
      // node k: g = Σ w2 t, g' = Σ w2 w1 u, g'' = Σ w2 w1² u' (u = 1 - t², u' = -2tu, u'' = -2u² + 4t²u)
      const x = <f64>(k - MID) * H;
      for (let j = 0; j < G; j++) {
        const w1 = <f64>load<f32>(th + (<usize>j << 2));
        const b1 = <f64>load<f32>(th + (<usize>(G + j) << 2));
        const w2 = <f64>load<f32>(th + (<usize>(2 * G + j) << 2));
        const t = Math.tanh(w1 * x + b1);
        const u = 1 - t * t, u1 = -2 * t * u, u2 = -2 * u * u + 4 * t * t * u;
        const pw1 = f64At(this.thetaBar, j), pb1 = f64At(this.thetaBar, G + j), pw2 = f64At(this.thetaBar, 2 * G + j);
        store<f64>(pw1, load<f64>(pw1) + s * w2 * (n0 * u * x + n1 * (u + w1 * u1 * x) + n2 * (2 * w1 * u1 + w1 * w1 * u2 * x)));
        store<f64>(pb1, load<f64>(pb1) + s * w2 * (n0 * u + n1 * w1 * u1 + n2 * w1 * w1 * u2));
        store<f64>(pw2, load<f64>(pw2) + s * (n0 * t + n1 * w1 * u + n2 * w1 * w1 * u1));
      }
    }
    for (let i = 0; i < 3 * G + 1; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(f64At(this.thetaBar, i)));
  }
}

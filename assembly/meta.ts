// Exact meta-gradients through an unrolled inner training loop, in float32 (the
// MNIST-1D meta-learning notebooks). The inner problem: an MLP IN-H-C on the training
// rows x (IN, N) feature-major (the engine's data layout), step t training on rows
// (t*B + j) mod N, j < B:
//   z = W1·X + b1,  a = f(z) [+ noise_t],  logits = W2·a + b2,  L_t = mean cross-entropy
// then p <- SGD or notebook-RMSprop step with g_t = ∇_p L_t. The meta-loss is the mean
// of the last M of the K losses (each taken before its step's update).
// Parameters p are flat as PyTorch orders them: W1 (H, IN), b1, W2 (C, H), b2, padded
// with zeros to a multiple of 4 (P floats); activations are feature-major (F, ld).
//
// Every step is one gradient pass (forward, backward) and, where a derivative is
// carried, one tangent pass: the directional derivative of the forward and backward
// pass along ṗ (forward-over-reverse), giving L̇ = ⟨g, ṗ⟩, the Hessian-vector product
// ġ = ∇²_p L ṗ and, for the learned activation's parameters θ, ∂_θ∇_p L ṗ.
// - d/d(lr), forward mode: ṗ = dp/dlr (and v̇) is carried beside p through the steps
//   (nn/optim-tangent.ts); d(meta-loss)/d(lr) = mean of the last M L̇_t. Memory does
//   not grow with K.
// - d/dθ, reverse mode: p_t (and v_t) are stored for every step, then the adjoint runs
//   backwards: from (p̄_{t+1}, v̄_{t+1}) the step's adjoint gives ḡ_t; one tangent pass
//   along ḡ_t gives H ḡ_t and ∂_θ∇_p L_t ḡ_t, and
//   p̄_t = p̄_{t+1} + H ḡ_t + c_t g_t,  θ̄ += ∂_θ∇_p L_t ḡ_t + c_t ∇_θ L_t,
//   c_t = 1/M for the last M steps, else 0. Memory: K·P floats (twice for RMSprop).
//   The learned activation sums its θ-part over the steps in its own table's terms
//   and takes it to θ at the end (nn/learned-activation.ts).
import { activationTangentBackward, activationWithDerivatives, elementwiseProduct } from "./nn/activation-tangent";
import { denseBackward, denseForward } from "./nn/dense";
import { denseTangentBackward, denseTangentForward } from "./nn/dense-tangent";
import { LearnedActivation } from "./nn/learned-activation";
import { piecewiseActivationForward } from "./nn/piecewise-activation";
import { softmaxCrossEntropy } from "./nn/loss";
import { softmaxCrossEntropyTangent } from "./nn/loss-tangent";
import { rmspropStep, sgdStep } from "./nn/optim";
import { META_ACT_LEARNED, META_ACT_PIECEWISE, META_OPT_RMSPROP } from "./abi/meta";
import { accumulateAdjoint, rmspropStepAdjoint, rmspropStepTangent, sgdStepAdjoint, sgdStepTangent } from "./nn/optim-tangent";

function floats(n: i32): usize {
  const bytes = <usize>n << 2;
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** One meta-problem and its workspace (see metaProblem). */
class MetaRun {
  ld: i32;
  P: i32;
  // offsets (floats) of b1, W2, b2 in p
  ob1: i32;
  oW2: i32;
  ob2: i32;
  lr: f64 = 0;
  xByFeature: usize; // (IN, N): the training rows, feature-major
  X: usize; labels: usize;
  z: usize; a: usize; d1: usize; d2: usize; l: usize; dl: usize; da: usize; dz: usize;
  zDot: usize; aDot: usize; lDot: usize; dlDot: usize; daDot: usize; dzDot: usize;
  xT: usize; hT: usize;
  g: usize; gDot: usize;
  // the state carried through the steps and its tangent or adjoint
  p: usize; v: usize; pDot: usize; vDot: usize;
  // the parameters after the last inner step of the latest run (metaAccuracy evaluates them)
  final: usize;
  // reverse mode, allocated on first use: p_t and v_t per step
  trajectory: usize = 0; states: usize = 0;
  // the learned activation (its table and θ-gradient), or null
  learned: LearnedActivation | null = null;
  loss: f64 = 0;
  lossDot: f64 = 0;

  constructor(
    public IN: i32, public H: i32, public C: i32, public B: i32, public K: i32, public M: i32, public N: i32,
    x: usize, public y: usize, public params: usize,
    public activation: i32, public G: i32, public theta: usize, scale: f32,
    public noiseInner: usize, public noiseAct: usize,
    public optimizer: i32, public alpha: f64, public eps: f64, public squareAvgInit: f32,
  ) {
    const ld = (B + 3) & ~3;
    this.ld = ld;
    this.ob1 = H * IN;
    this.oW2 = this.ob1 + H;
    this.ob2 = this.oW2 + C * H;
    const P = (this.ob2 + C + 3) & ~3;
    this.P = P;
    if (activation == META_ACT_LEARNED) this.learned = new LearnedActivation(G, theta, scale);
    this.xByFeature = x;
    const hidden = H * ld, out = C * ld;
    this.X = floats(IN * ld); this.labels = floats(ld);
    this.a = floats(hidden); this.d1 = floats(hidden); this.d2 = floats(hidden);
    this.z = floats(hidden); this.da = floats(hidden); this.dz = floats(hidden);
    this.l = floats(out); this.dl = floats(out);
    this.zDot = floats(hidden); this.aDot = floats(hidden); this.daDot = floats(hidden); this.dzDot = floats(hidden);
    this.lDot = floats(out); this.dlDot = floats(out);
    this.xT = floats(ld * IN); this.hT = floats(2 * ld * H); // hT: a and ȧ transposed (denseTangentBackward)
    this.g = floats(P); this.gDot = floats(P);
    this.p = floats(P); this.v = floats(P); this.pDot = floats(P); this.vDot = floats(P);
    this.final = floats(P);
  }

  get rmsprop(): bool {
    return this.optimizer == META_OPT_RMSPROP;
  }

  /** Step t's batch into X (IN, ld) and labels; padding columns stay zero. */
  gather(t: i32): void {
    const IN = this.IN, ld = this.ld, B = this.B, N = this.N;
    const first = <i32>((<i64>t * <i64>B) % <i64>N);
    const run = min(B, N - first); // rows before the training set wraps around
    for (let f = 0; f < IN; f++) {
      const src = at(this.xByFeature, f * N), dst = at(this.X, f * ld);
      memory.copy(dst, at(src, first), <usize>run << 2);
      if (run < B) memory.copy(at(dst, run), src, <usize>(B - run) << 2);
    }
    for (let j = 0; j < B; j++) store<i32>(at(this.labels, j), load<i32>(at(this.y, (first + j) % N)));
  }

  /** Loss L_t and gradient g at p; with `second`, also f'' for a tangent pass. */
  gradientPass(t: i32, p: usize, second: bool): void {
    const IN = this.IN, H = this.H, C = this.C, ld = this.ld;
    this.gather(t);
    denseForward(IN, H, ld, this.X, p, at(p, this.ob1), this.z, false, 0);
    this.activate(t, second);
    denseForward(H, C, ld, this.a, at(p, this.oW2), at(p, this.ob2), this.l, false, 0);
    this.loss = softmaxCrossEntropy(C, this.B, ld, this.l, this.labels, this.dl) / <f64>this.B;
    denseBackward(H, C, ld, this.a, at(p, this.oW2), this.l, this.dl, at(this.g, this.oW2), at(this.g, this.ob2),
      this.da, false, false, this.hT, 0);
    elementwiseProduct(H * ld, this.da, this.d1, this.dz);
    denseBackward(IN, H, ld, this.X, p, this.z, this.dz, this.g, at(this.g, this.ob1), 0, false, false, this.xT, 0);
  }

  /** a = f(z) [+ noise_t], d1 = f'(z) and, with `second`, d2 = f''(z). Step t < 0: no noise. */
  activate(t: i32, second: bool): void {
    const H = this.H, ld = this.ld;
    this.applyActivation(t, H * ld, this.z, this.a, this.d1, second ? this.d2 : 0);
    if (this.noiseInner && t >= 0) {
      for (let i = 0; i < H; i++) {
        const v = f32x4.splat(load<f32>(at(this.noiseInner, t * H + i)));
        const row = at(this.a, i * ld);
        for (let j = 0; j < ld; j += 4) v128.store(at(row, j), f32x4.add(v128.load(at(row, j)), v));
      }
    }
  }

  /**
   * After gradientPass(t, p, true): along pDot, lossDot = L̇ and gDot = H·ṗ. With
   * thetaWeight >= 0 (reverse mode), also adds ∂_θ∇_p L · ṗ + thetaWeight · ∇_θ L to the
   * learned activation's θ-gradient.
   */
  tangentPass(t: i32, p: usize, pDot: usize, thetaWeight: f32 = -1): void {
    const IN = this.IN, H = this.H, C = this.C, ld = this.ld, n = H * ld;
    const W2 = at(p, this.oW2), W2Dot = at(pDot, this.oW2);
    denseTangentForward(IN, H, ld, this.X, 0, p, pDot, this.zDot);
    elementwiseProduct(n, this.d1, this.zDot, this.aDot);
    denseTangentForward(H, C, ld, this.a, this.aDot, W2, W2Dot, this.lDot);
    this.lossDot = softmaxCrossEntropyTangent(C, this.B, ld, this.l, this.lDot, this.labels, this.dlDot) / <f64>this.B;
    denseTangentBackward(H, C, ld, this.a, this.aDot, W2, W2Dot, this.dl, this.dlDot,
      at(this.gDot, this.oW2), at(this.gDot, this.ob2), this.daDot, this.hT);
    activationTangentBackward(n, this.d1, this.d2, this.da, this.daDot, this.zDot, this.dzDot);
    denseTangentBackward(IN, H, ld, this.X, 0, p, pDot, this.dz, this.dzDot, this.gDot, at(this.gDot, this.ob1), 0, this.xT);
    const learned = this.learned;
    if (learned && thetaWeight >= 0) learned.adjointStep(n, this.z, this.da, this.zDot, this.daDot, thetaWeight, this.actNoise(t));
  }

  /** y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x) over n floats (a multiple of 4), with step t's noise in g (t < 0: none). */
  applyActivation(t: i32, n: i32, x: usize, y: usize, d1: usize, d2: usize): void {
    const learned = this.learned;
    if (learned) {
      learned.forward(n, x, y, d1, d2, this.actNoise(t));
    } else if (this.activation == META_ACT_PIECEWISE) {
      piecewiseActivationForward(n, x, y, d1, d2, this.G, this.theta);
    } else {
      activationWithDerivatives(this.activation, n, x, y, d1, d2);
    }
  }

  actNoise(t: i32): usize {
    return this.noiseAct && t >= 0 ? at(this.noiseAct, t * this.G) : 0;
  }

  /** The inner optimizer's step on p (and v) with gradient g. */
  step(lr: f64): void {
    if (this.rmsprop) rmspropStep(this.P, this.p, this.g, this.v, lr, this.alpha, this.eps, 0, 0);
    else sgdStep(this.P, this.p, this.g, 0, lr, 0, 0, false, 0);
  }

  /** Number of rows r in [first, first + count) of x (IN, rows) feature-major whose argmax logit at p is y[r]. */
  correct(p: usize, x: usize, y: usize, rows: i32, first: i32, count: i32): i32 {
    const IN = this.IN, H = this.H, C = this.C, ld = this.ld;
    memory.fill(this.X, 0, <usize>(IN * ld) << 2);
    for (let f = 0; f < IN; f++) memory.copy(at(this.X, f * ld), at(x, f * rows + first), <usize>count << 2);
    denseForward(IN, H, ld, this.X, p, at(p, this.ob1), this.z, false, 0);
    this.activate(-1, false);
    denseForward(H, C, ld, this.a, at(p, this.oW2), at(p, this.ob2), this.l, false, 0);
    let hits = 0;
    for (let j = 0; j < count; j++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (load<f32>(at(this.l, c * ld + j)) > load<f32>(at(this.l, best * ld + j))) best = c;
      if (best == load<i32>(at(y, first + j))) hits++;
    }
    return hits;
  }

  /** p from the initial parameters, v from the square average's start, their tangents 0; the activation's table for the current θ. */
  start(): void {
    const learned = this.learned;
    if (learned) learned.sync();
    const bytes = <usize>this.P << 2;
    memory.copy(this.p, this.params, bytes);
    memory.fill(this.pDot, 0, bytes);
    memory.fill(this.vDot, 0, bytes);
    for (let i = 0; i < this.P; i++) store<f32>(at(this.v, i), this.squareAvgInit);
  }

  /** Allocates the reverse mode's per-step storage (once per problem). */
  allocateTrajectory(): void {
    if (this.trajectory) return;
    const bytesP = <usize>this.P << 2, K = <usize>this.K;
    this.trajectory = heap.alloc(K * bytesP);
    if (this.rmsprop) this.states = heap.alloc(K * bytesP);
  }

  lossWeight(t: i32): f64 {
    return t >= this.K - this.M ? 1.0 / <f64>this.M : 0;
  }
}

/**
 * Sets up a meta-problem (see the header; sizes IN, H, C, batch B, K steps, meta-loss
 * over the last M, N training rows) and returns its handle for metaGradientLr or
 * metaGradientTheta. params: P floats (the padded flat vector). activation: an
 * ACTIVATION_* code of activationWithDerivatives, META_ACT_LEARNED (theta: 3G+1 floats,
 * scale) or META_ACT_PIECEWISE (theta: its table of G segments). noiseInner: K·H floats or 0;
 * noiseAct: K·G floats or 0. optimizer: META_OPT_SGD or META_OPT_RMSPROP (alpha, eps,
 * squareAvgInit). x (IN, N), y, params, theta and the noise are read at every call, so
 * the host may change params and theta between calls.
 */
export function metaProblem(
  IN: i32, H: i32, C: i32, B: i32, K: i32, M: i32, N: i32, x: usize, y: usize, params: usize,
  activation: i32, G: i32, theta: usize, scale: f32, noiseInner: usize, noiseAct: usize,
  optimizer: i32, alpha: f64, eps: f64, squareAvgInit: f32,
): usize {
  return changetype<usize>(new MetaRun(IN, H, C, B, K, M, N, x, y, params, activation, G, theta, scale,
    noiseInner, noiseAct, optimizer, alpha, eps, squareAvgInit));
}

/** The padded parameter count P of a problem (the length params must have). */
export function metaParamCount(run: usize): i32 {
  return changetype<MetaRun>(run).P;
}

/**
 * Forward mode at learning rate lr: runs the K steps carrying dp/dlr. Writes losses
 * (K f64) and d(meta-loss)/d(lr) to grad (1 f64); returns the meta-loss.
 */
export function metaGradientLr(run: usize, lr: f64, losses: usize, grad: usize): f64 {
  const r = changetype<MetaRun>(run);
  const P = r.P, p = r.p, pDot = r.pDot;
  r.lr = lr;
  r.start();
  let metaLoss: f64 = 0, metaGrad: f64 = 0;
  for (let t = 0; t < r.K; t++) {
    r.gradientPass(t, p, true);
    r.tangentPass(t, p, pDot);
    store<f64>(losses + (<usize>t << 3), r.loss);
    const c = r.lossWeight(t);
    metaLoss += c * r.loss;
    metaGrad += c * r.lossDot;
    if (r.rmsprop) rmspropStepTangent(P, p, pDot, r.v, r.vDot, r.g, r.gDot, lr, r.alpha, r.eps);
    else sgdStepTangent(P, p, pDot, r.g, r.gDot, lr);
  }
  memory.copy(r.final, p, <usize>P << 2);
  store<f64>(grad, metaGrad);
  return metaLoss;
}

/**
 * Reverse mode at learning rate lr: runs the K steps storing p_t (and v_t), then the
 * adjoint backwards. Writes losses (K f64) and d(meta-loss)/dθ to grad (3G+1 f32);
 * returns the meta-loss.
 */
export function metaGradientTheta(run: usize, lr: f64, losses: usize, grad: usize): f64 {
  const r = changetype<MetaRun>(run);
  const P = r.P, K = r.K, rms = r.rmsprop;
  const learned = r.learned!;
  const bytesP = <usize>P << 2;
  r.allocateTrajectory();
  r.lr = lr;
  r.start();
  const p = r.p, v = r.v;
  let metaLoss: f64 = 0;
  for (let t = 0; t < K; t++) {
    memory.copy(r.trajectory + <usize>t * bytesP, p, bytesP);
    if (rms) memory.copy(r.states + <usize>t * bytesP, v, bytesP);
    r.gradientPass(t, p, true);
    store<f64>(losses + (<usize>t << 3), r.loss);
    metaLoss += r.lossWeight(t) * r.loss;
    r.step(lr);
  }
  memory.copy(r.final, p, bytesP);
  // adjoints: p̄ in pDot, v̄ in vDot (zero after start), ḡ in p (its values are no longer needed)
  const pBar = r.pDot, vBar = r.vDot, gBar = p;
  learned.beginAdjoint();
  for (let t = K - 1; t >= 0; t--) {
    const pt = r.trajectory + <usize>t * bytesP;
    r.gradientPass(t, pt, true);
    if (rms) rmspropStepAdjoint(P, pBar, vBar, r.states + <usize>t * bytesP, r.g, gBar, lr, r.alpha, r.eps);
    else sgdStepAdjoint(P, pBar, gBar, lr);
    const c = <f32>r.lossWeight(t);
    r.tangentPass(t, pt, gBar, c);
    accumulateAdjoint(P, pBar, r.gDot, r.g, c);
  }
  learned.finishAdjoint(grad);
  return metaLoss;
}

/**
 * The inner loop alone at learning rate lr (no derivative): writes losses (K f64) and
 * returns the meta-loss; the final parameters stay for metaAccuracy.
 */
export function metaTrain(run: usize, lr: f64, losses: usize): f64 {
  const r = changetype<MetaRun>(run);
  r.start();
  let metaLoss: f64 = 0;
  for (let t = 0; t < r.K; t++) {
    r.gradientPass(t, r.p, false);
    store<f64>(losses + (<usize>t << 3), r.loss);
    metaLoss += r.lossWeight(t) * r.loss;
    r.step(lr);
  }
  memory.copy(r.final, r.p, <usize>r.P << 2);
  return metaLoss;
}

/**
 * How many of the first `count` rows of x (IN, rows) feature-major the parameters after
 * the latest metaTrain / metaGradient* call classify as y says, without noise (B rows
 * at a time).
 */
export function metaAccuracy(run: usize, x: usize, y: usize, rows: i32, count: i32): i32 {
  const r = changetype<MetaRun>(run);
  const learned = r.learned;
  if (learned) learned.sync();
  let hits = 0;
  for (let first = 0; first < count; first += r.B) hits += r.correct(r.final, x, y, rows, first, min(r.B, count - first));
  return hits;
}

/**
 * The problem's activation as the inner loop computes it, without noise: y = f(x),
 * d1 = f'(x), d2 = f''(x) at n values (a multiple of 4), for the current θ.
 */
export function metaActivation(run: usize, n: i32, x: usize, y: usize, d1: usize, d2: usize): void {
  const r = changetype<MetaRun>(run);
  const learned = r.learned;
  if (learned) learned.sync();
  r.applyActivation(-1, n, x, y, d1, d2);
}

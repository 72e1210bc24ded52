// The learned activation of the meta-learning notebook, applied elementwise to n
// contiguous floats x (n a multiple of 4):
//   f(x) = elu(x) + scale · g(x),   g(x) = Σ_j w2_j (tanh(w1_j x + b1_j) + ν_j) + b2
// g is a 1-G-1 tanh MLP; θ holds its parameters flat in PyTorch's order:
//   w1 (G x 1) at θ[0..G), b1 at θ[G..2G), w2 (1 x G) at θ[2G..3G), b2 at θ[3G].
// ν (G floats, or 0 for none) is the noise added to g's hidden layer after its tanh.
// With t_j = tanh(w1_j x + b1_j), u_j = 1 - t_j² and u'_j = -2 t_j u_j:
//   g'(x) = Σ_j w2_j w1_j u_j,   g''(x) = Σ_j w2_j w1_j² u'_j
// The gradient of a loss with respect to θ (s = scale), given dy = ∂L/∂y per element, is
//   ∂/∂w2_j = s Σ dy (t_j + ν_j)   ∂/∂b2 = s Σ dy   ∂/∂b1_j = s w2_j Σ dy u_j
//   ∂/∂w1_j = s w2_j Σ dy u_j x
// and its tangent when x and dy move along ẋ and dẏ (θ fixed) differentiates each
// sum term by term (d t_j = u_j w1_j ẋ, d u_j = u'_j w1_j ẋ).
// Sums over the elements run in 4 lanes, in order.
import { expF32x4, tanhF32x4 } from "./fastmath";

/** The number of parameters of g with G hidden units. */
export function learnedActivationParams(G: i32): i32 {
  return 3 * G + 1;
}

// @ts-ignore: decorator
@inline function splat(p: usize, i: i32): v128 {
  return v128.load32_splat(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function laneSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x). */
export function learnedActivationForward(
  n: i32, x: usize, y: usize, d1: usize, d2: usize, G: i32, theta: usize, noise: usize, scale: f32,
): void {
  const w1 = theta, b1 = theta + (<usize>G << 2), w2 = theta + (<usize>(2 * G) << 2);
  // the constant part of g: b2 + Σ w2_j ν_j
  let offset = load<f32>(theta + (<usize>(3 * G) << 2));
  if (noise) for (let j = 0; j < G; j++) offset += load<f32>(w2 + (<usize>j << 2)) * load<f32>(noise + (<usize>j << 2));
  const vs = f32x4.splat(scale), voff = f32x4.splat(offset);
  const zero = f32x4.splat(0), one = f32x4.splat(1), minusTwo = f32x4.splat(-2);
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const v = v128.load(x + o);
    let g = zero, g1 = zero, g2 = zero;
    for (let j = 0; j < G; j++) {
      const a = splat(w1, j);
      const c = splat(w2, j);
      const t = tanhF32x4(f32x4.add(f32x4.mul(a, v), splat(b1, j)));
      const u = f32x4.sub(one, f32x4.mul(t, t));
      g = f32x4.add(g, f32x4.mul(c, t));
      const cau = f32x4.mul(f32x4.mul(c, a), u);
      g1 = f32x4.add(g1, cau);
      if (d2) g2 = f32x4.add(g2, f32x4.mul(f32x4.mul(cau, a), f32x4.mul(minusTwo, t)));
    }
    const pos = f32x4.gt(v, zero);
    const e = expF32x4(v);
    const elu = v128.bitselect(v, f32x4.sub(e, one), pos);
    v128.store(y + o, f32x4.add(elu, f32x4.mul(vs, f32x4.add(g, voff))));
    v128.store(d1 + o, f32x4.add(v128.bitselect(one, e, pos), f32x4.mul(vs, g1)));
    if (d2) v128.store(d2 + o, f32x4.add(v128.bitselect(zero, e, pos), f32x4.mul(vs, g2)));
  }
}

/**
 * The θ-part of a reverse step through f: out (3G+1) = the tangent of ∂L/∂θ along ẋ
 * (xDot) and dẏ (dyDot), plus c · ∂L/∂θ (the step's own loss in the meta-loss).
 * Both are linear in (dẏ, dy ẋ), so with P = dẏ + c dy and Q = dy ẋ per element:
 *   w2_j: s Σ [P (t_j + ν_j) + w1_j Q u_j]      b2: s Σ P
 *   b1_j: s w2_j Σ [P u_j + w1_j Q u'_j]         w1_j: s w2_j Σ [u_j (P x + Q) + w1_j Q x u'_j]
 * scratch: 4n floats (P, Q, P x + Q, Q x).
 */
export function learnedActivationParamAdjoint(
  n: i32, x: usize, dy: usize, xDot: usize, dyDot: usize, c: f32,
  G: i32, theta: usize, noise: usize, scale: f32, out: usize, scratch: usize,
): void {
  const bytes = <usize>n << 2;
  const sP = scratch, sQ = sP + bytes, sR = sQ + bytes, sS = sR + bytes;
  const vc = f32x4.splat(c);
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let sum = zero;
  for (let o: usize = 0; o < bytes; o += 16) {
    const v = v128.load(x + o), d = v128.load(dy + o);
    const p = f32x4.add(v128.load(dyDot + o), f32x4.mul(vc, d));
    const q = f32x4.mul(d, v128.load(xDot + o));
    v128.store(sP + o, p);
    v128.store(sQ + o, q);
    v128.store(sR + o, f32x4.add(f32x4.mul(p, v), q));
    v128.store(sS + o, f32x4.mul(q, v));
    sum = f32x4.add(sum, p);
  }
  const sumP = laneSum(sum);
  for (let j = 0; j < G; j++) {
    const w1 = load<f32>(theta + (<usize>j << 2));
    const b1 = load<f32>(theta + (<usize>(G + j) << 2));
    const w2 = load<f32>(theta + (<usize>(2 * G + j) << 2));
    const nu: f32 = noise ? load<f32>(noise + (<usize>j << 2)) : 0;
    const va = f32x4.splat(w1), vb = f32x4.splat(b1);
    // Σ P t, Q u, P u, Q t u, (P x + Q) u, Q x t u
    let s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero, s6 = zero;
    for (let o: usize = 0; o < bytes; o += 16) {
      const t = tanhF32x4(f32x4.add(f32x4.mul(va, v128.load(x + o)), vb));
      const u = f32x4.sub(one, f32x4.mul(t, t));
      const tu = f32x4.mul(t, u);
      const p = v128.load(sP + o), q = v128.load(sQ + o);
      s1 = f32x4.add(s1, f32x4.mul(p, t));
      s2 = f32x4.add(s2, f32x4.mul(q, u));
      s3 = f32x4.add(s3, f32x4.mul(p, u));
      s4 = f32x4.add(s4, f32x4.mul(q, tu));
      s5 = f32x4.add(s5, f32x4.mul(v128.load(sR + o), u));
      s6 = f32x4.add(s6, f32x4.mul(v128.load(sS + o), tu));
    }
    // u' = -2 t u
    store<f32>(out + (<usize>j << 2), scale * w2 * (laneSum(s5) - 2 * w1 * laneSum(s6)));
    store<f32>(out + (<usize>(G + j) << 2), scale * w2 * (laneSum(s3) - 2 * w1 * laneSum(s4)));
    store<f32>(out + (<usize>(2 * G + j) << 2), scale * (laneSum(s1) + nu * sumP + w1 * laneSum(s2)));
  }
  store<f32>(out + (<usize>(3 * G) << 2), scale * sumP);
}

// Derivative companions of optim.ts's plain SGD (p <- p - lr g) and the meta-learning
// notebook's RMSprop (v <- alpha v + (1-alpha) g², p <- p - lr g / (sqrt(v) + eps)),
// over flat buffers of n floats (n a multiple of 4), for meta-gradients (meta.ts):
// - forward mode along the learning rate: a step together with its tangent
//   (ṗ = dp/dlr, v̇ = dv/dlr; ġ = H ṗ is the Hessian-vector product of the step);
// - reverse mode: the adjoint of a step, which turns the adjoints of its outputs
//   (p̄', v̄') into the adjoint ḡ of its gradient (the direction of the next
//   Hessian-vector product) and v̄ of its input state; p̄ = p̄' + H ḡ is left to the
//   caller. The primal values are computed as optim.ts computes them, bit for bit.
// sqrt has no derivative at v = 0 (a long-dead unit); there g = 0 and the terms
// through sqrt(v) are taken as 0.
import { flushSubnormal as flushed } from "./subnormal";

/** SGD step with its learning-rate tangent: ṗ <- ṗ - g - lr ġ; p <- p - lr g. */
export function sgdStepTangent(n: i32, p: usize, pDot: usize, g: usize, gDot: usize, lr: f64): void {
  const bytes = <usize>n << 2;
  const vlr = f32x4.splat(<f32>lr);
  for (let o: usize = 0; o < bytes; o += 16) {
    const gv = v128.load(g + o);
    v128.store(pDot + o, f32x4.sub(v128.load(pDot + o), f32x4.add(gv, f32x4.mul(vlr, v128.load(gDot + o)))));
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, gv)));
  }
}

/** Adjoint of an SGD step: ḡ = -lr p̄'. */
export function sgdStepAdjoint(n: i32, pBar: usize, gBar: usize, lr: f64): void {
  const bytes = <usize>n << 2;
  const vlr = f32x4.splat(<f32>-lr);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(gBar + o, f32x4.mul(vlr, v128.load(pBar + o)));
}

/**
 * Notebook-RMSprop step with its learning-rate tangent:
 *   v̇ <- alpha v̇ + 2 (1-alpha) g ġ;  d = sqrt(v) + eps, ḋ = v̇ / (2 sqrt(v));
 *   ṗ <- ṗ - g/d - lr (ġ d - g ḋ) / d²
 */
export function rmspropStepTangent(
  n: i32, p: usize, pDot: usize, v: usize, vDot: usize, g: usize, gDot: usize, lr: f64, alpha: f64, eps: f64,
): void {
  const bytes = <usize>n << 2;
  const va = f32x4.splat(<f32>alpha), vc = f32x4.splat(<f32>(1 - alpha)), vc2 = f32x4.splat(<f32>(2 * (1 - alpha)));
  const veps = f32x4.splat(<f32>eps), vlr = f32x4.splat(<f32>lr), vnlr = f32x4.splat(<f32>-lr);
  const zero = f32x4.splat(0), half = f32x4.splat(0.5);
  for (let o: usize = 0; o < bytes; o += 16) {
    const gv = v128.load(g + o), gd = v128.load(gDot + o);
    const sv = flushed(f32x4.add(f32x4.mul(v128.load(v + o), va), f32x4.mul(f32x4.mul(vc, gv), gv)));
    const svDot = f32x4.add(f32x4.mul(v128.load(vDot + o), va), f32x4.mul(f32x4.mul(vc2, gv), gd));
    const r = f32x4.sqrt(sv);
    const d = f32x4.add(r, veps);
    const dDot = v128.and(f32x4.div(f32x4.mul(half, svDot), r), f32x4.gt(r, zero));
    const inner = f32x4.div(f32x4.sub(f32x4.mul(gd, d), f32x4.mul(gv, dDot)), f32x4.mul(d, d));
    v128.store(pDot + o, f32x4.sub(f32x4.sub(v128.load(pDot + o), f32x4.div(gv, d)), f32x4.mul(vlr, inner)));
    v128.store(vDot + o, svDot);
    v128.store(v + o, sv);
    v128.store(p + o, f32x4.add(v128.load(p + o), f32x4.div(f32x4.mul(vnlr, gv), d)));
  }
}

/**
 * Adjoint of a notebook-RMSprop step taken from state v with gradient g. In: p̄' (pBar)
 * and v̄' (vBar), the adjoints of the step's p and v. Out: ḡ (gBar) and v̄ (in vBar):
 *   v' = alpha v + (1-alpha) g², r = sqrt(v'), d = r + eps
 *   v̄'' = v̄' + p̄' lr g / (2 r d²);  ḡ = -lr p̄' / d + 2 (1-alpha) g v̄'';  v̄ = alpha v̄''
 */
export function rmspropStepAdjoint(
  n: i32, pBar: usize, vBar: usize, v: usize, g: usize, gBar: usize, lr: f64, alpha: f64, eps: f64,
): void {
  const bytes = <usize>n << 2;
  const va = f32x4.splat(<f32>alpha), vc = f32x4.splat(<f32>(1 - alpha)), vc2 = f32x4.splat(<f32>(2 * (1 - alpha)));
  const veps = f32x4.splat(<f32>eps), vlr = f32x4.splat(<f32>lr), zero = f32x4.splat(0), two = f32x4.splat(2);
  for (let o: usize = 0; o < bytes; o += 16) {
    const gv = v128.load(g + o), q = v128.load(pBar + o);
    const sv = flushed(f32x4.add(f32x4.mul(v128.load(v + o), va), f32x4.mul(f32x4.mul(vc, gv), gv)));
    const r = f32x4.sqrt(sv);
    const d = f32x4.add(r, veps);
    const lrQ = f32x4.mul(vlr, q);
    const throughSqrt = v128.and(f32x4.div(f32x4.mul(lrQ, gv), f32x4.mul(f32x4.mul(two, r), f32x4.mul(d, d))), f32x4.gt(r, zero));
    const vTotal = f32x4.add(v128.load(vBar + o), throughSqrt);
    v128.store(gBar + o, f32x4.sub(f32x4.mul(f32x4.mul(vc2, gv), vTotal), f32x4.div(lrQ, d)));
    v128.store(vBar + o, f32x4.mul(va, vTotal));
  }
}

/** p̄ <- p̄ + hvp + c g: the adjoint of a step's input parameters (c: the loss's weight in the meta-loss). */
export function accumulateAdjoint(n: i32, pBar: usize, hvp: usize, g: usize, c: f32): void {
  const bytes = <usize>n << 2;
  const vc = f32x4.splat(c);
  for (let o: usize = 0; o < bytes; o += 16) {
    v128.store(pBar + o, f32x4.add(f32x4.add(v128.load(pBar + o), v128.load(hvp + o)), f32x4.mul(vc, v128.load(g + o))));
  }
}

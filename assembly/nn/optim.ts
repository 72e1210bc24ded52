// Optimizer updates over the flat parameter buffer p (n floats, n a multiple of 4)
// with gradients g and state buffers of the same length, as PyTorch 1.13's
// single-tensor CPU paths. Weight decay is L2 (g += wd * p). When mask != 0 the
// parameters are multiplied by it after the update (pruned weights stay 0).
// The state buffers are flushed to zero below float32's smallest normal (see
// subnormal.ts): a dead unit's moments otherwise decay into slow subnormals.
import { flushSubnormal as flushed } from "./subnormal";

// @ts-ignore: decorator
@inline function decayed(g: v128, p: v128, wd: v128, hasDecay: bool): v128 {
  return hasDecay ? f32x4.add(g, f32x4.mul(wd, p)) : g;
}

// @ts-ignore: decorator
@inline function masked(p: v128, mask: usize, o: usize): v128 {
  return mask ? f32x4.mul(p, v128.load(mask + o)) : p;
}

/** SGD, momentum with dampening 0: buf = g on the first step, then momentum*buf + g; p -= lr*buf. */
export function sgdStep(n: i32, p: usize, g: usize, buf: usize, lr: f64, momentum: f64, weightDecay: f64, first: bool, mask: usize): void {
  const bytes = <usize>n << 2;
  const vlr = f32x4.splat(<f32>lr);
  const vmom = f32x4.splat(<f32>momentum);
  const vwd = f32x4.splat(<f32>weightDecay);
  const hasDecay = weightDecay != 0;
  const hasMomentum = momentum != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pv = v128.load(p + o);
    let d = decayed(v128.load(g + o), pv, vwd, hasDecay);
    if (hasMomentum) {
      if (!first) d = f32x4.add(f32x4.mul(v128.load(buf + o), vmom), d);
      d = flushed(d);
      v128.store(buf + o, d);
    }
    v128.store(p + o, masked(f32x4.sub(pv, f32x4.mul(vlr, d)), mask, o));
  }
}

/**
 * Adam step t (t >= 1): m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
export function adamStep(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, t: i32, mask: usize,
): void {
  const bytes = <usize>n << 2;
  const stepSize = lr / (1 - Math.pow(beta1, <f64>t));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, <f64>t));
  const vb1 = f32x4.splat(<f32>beta1), vc1 = f32x4.splat(<f32>(1 - beta1));
  const vb2 = f32x4.splat(<f32>beta2), vc2 = f32x4.splat(<f32>(1 - beta2));
  // one reciprocal per call instead of a division per element (the error stays within float32 rounding)
  const vbc2 = f32x4.splat(<f32>(1 / bc2Sqrt)), veps = f32x4.splat(<f32>eps);
  const vstep = f32x4.splat(<f32>-stepSize), vwd = f32x4.splat(<f32>weightDecay);
  const hasDecay = weightDecay != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pv = v128.load(p + o);
    const gv = decayed(v128.load(g + o), pv, vwd, hasDecay);
    const mv = flushed(f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(vc1, gv)));
    const vv = flushed(f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(vc2, gv), gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), vbc2), veps);
    v128.store(p + o, masked(f32x4.add(pv, f32x4.div(f32x4.mul(vstep, mv), denom)), mask, o));
  }
}

/** RMSprop (not centered, no momentum): s = alpha*s + (1-alpha)*g*g; p -= lr * g / (sqrt(s) + eps). */
export function rmspropStep(n: i32, p: usize, g: usize, s: usize, lr: f64, alpha: f64, eps: f64, weightDecay: f64, mask: usize): void {
  const bytes = <usize>n << 2;
  const va = f32x4.splat(<f32>alpha), vc = f32x4.splat(<f32>(1 - alpha));
  const veps = f32x4.splat(<f32>eps), vlr = f32x4.splat(<f32>-lr), vwd = f32x4.splat(<f32>weightDecay);
  const hasDecay = weightDecay != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pv = v128.load(p + o);
    const gv = decayed(v128.load(g + o), pv, vwd, hasDecay);
    const sv = flushed(f32x4.add(f32x4.mul(v128.load(s + o), va), f32x4.mul(f32x4.mul(vc, gv), gv)));
    v128.store(s + o, sv);
    const avg = f32x4.add(f32x4.sqrt(sv), veps);
    v128.store(p + o, masked(f32x4.add(pv, f32x4.div(f32x4.mul(vlr, gv), avg)), mask, o));
  }
}

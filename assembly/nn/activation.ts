// Elementwise activations over n contiguous floats (n a multiple of 4), forward and
// backward, as PyTorch defines them (elu alpha 1; softplus beta 1, threshold 20;
// swish = silu = x * sigmoid(x)). Backward writes (or with `accumulate` adds)
// dx = dy * f'(x), using the stored input x and output y.
import { expF32x4, sigmoidF32x4, tanhF32x4 } from "./fastmath";
import { relu } from "./gemm";

export const ACT_IDENTITY: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_SIGMOID: i32 = 3;
export const ACT_ELU: i32 = 4;
export const ACT_SOFTPLUS: i32 = 5;
export const ACT_SWISH: i32 = 6;

const SOFTPLUS_THRESHOLD: f32 = 20.0;

// @ts-ignore: decorator
@inline function softplusScalar(x: f32): f32 {
  return x > SOFTPLUS_THRESHOLD ? x : Mathf.log1p(Mathf.exp(x));
}

// @ts-ignore: decorator
@inline function activate(kind: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case ACT_RELU: return relu(x);
    case ACT_TANH: return tanhF32x4(x);
    case ACT_SIGMOID: return sigmoidF32x4(x);
    case ACT_ELU: return v128.bitselect(x, f32x4.sub(expF32x4(x), one), f32x4.gt(x, zero));
    case ACT_SWISH: return f32x4.mul(x, sigmoidF32x4(x));
    case ACT_SOFTPLUS: {
      // log1p has no SIMD form here; four scalar lanes keep PyTorch's accuracy
      return f32x4(
        softplusScalar(f32x4.extract_lane(x, 0)), softplusScalar(f32x4.extract_lane(x, 1)),
        softplusScalar(f32x4.extract_lane(x, 2)), softplusScalar(f32x4.extract_lane(x, 3)));
    }
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function derivative(kind: i32, x: v128, y: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case ACT_RELU: return v128.and(one, f32x4.gt(y, zero));
    case ACT_TANH: return f32x4.sub(one, f32x4.mul(y, y));
    case ACT_SIGMOID: return f32x4.mul(y, f32x4.sub(one, y));
    case ACT_ELU: return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(x, zero));
    case ACT_SOFTPLUS: return v128.bitselect(one, sigmoidF32x4(x), f32x4.gt(x, f32x4.splat(SOFTPLUS_THRESHOLD)));
    case ACT_SWISH: {
      const s = sigmoidF32x4(x);
      return f32x4.add(s, f32x4.mul(f32x4.mul(x, s), f32x4.sub(one, s)));
    }
    default: return one;
  }
}

/** y = f(x) over n floats. */
export function activationForward(kind: i32, n: i32, x: usize, y: usize): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(y + o, activate(kind, v128.load(x + o)));
}

/** dx (=, or += with accumulate) dy * f'(x) over n floats. */
export function activationBackward(kind: i32, n: i32, x: usize, y: usize, dy: usize, dx: usize, accumulate: bool): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    let d = f32x4.mul(v128.load(dy + o), derivative(kind, v128.load(x + o), v128.load(y + o)));
    if (accumulate) d = f32x4.add(d, v128.load(dx + o));
    v128.store(dx + o, d);
  }
}

// Elementwise activations over n contiguous floats (n a multiple of 4), forward and
// backward, as PyTorch defines them (elu alpha 1; softplus beta 1, threshold 20;
// swish = silu = x * sigmoid(x); gelu the tanh approximation, GELU(approximate='tanh'):
// 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x³)). Backward writes (or with
// `accumulate` adds) dx = dy * f'(x), using the stored input x and output y.
// The function codes (ACTIVATION_*) are declared in assembly/abi/plan.ts.
import { ACTIVATION_ELU, ACTIVATION_GELU, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTPLUS, ACTIVATION_SWISH, ACTIVATION_TANH } from "../abi/plan";
import { expF32x4, sigmoidF32x4, tanhF32x4 } from "./fastmath";
import { relu } from "./gemm";

const SOFTPLUS_THRESHOLD: f32 = 20.0;
const GELU_SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const GELU_CUBIC: f32 = 0.044715;

/** tanh(u) of the gelu approximation, u = sqrt(2/pi) (x + 0.044715 x³). */
// @ts-ignore: decorator
@inline function geluTanh(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  return tanhF32x4(f32x4.mul(f32x4.splat(GELU_SQRT_2_OVER_PI), f32x4.add(x, f32x4.mul(f32x4.splat(GELU_CUBIC), x3))));
}

// @ts-ignore: decorator
@inline function softplusScalar(x: f32): f32 {
  return x > SOFTPLUS_THRESHOLD ? x : Mathf.log1p(Mathf.exp(x));
}

// @ts-ignore: decorator
@inline function activate(kind: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case ACTIVATION_RELU: return relu(x);
    case ACTIVATION_TANH: return tanhF32x4(x);
    case ACTIVATION_SIGMOID: return sigmoidF32x4(x);
    case ACTIVATION_ELU: return v128.bitselect(x, f32x4.sub(expF32x4(x), one), f32x4.gt(x, zero));
    case ACTIVATION_SWISH: return f32x4.mul(x, sigmoidF32x4(x));
    case ACTIVATION_GELU: return f32x4.mul(f32x4.mul(f32x4.splat(0.5), x), f32x4.add(one, geluTanh(x)));
    case ACTIVATION_SOFTPLUS: {
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
    case ACTIVATION_RELU: return v128.and(one, f32x4.gt(y, zero));
    case ACTIVATION_TANH: return f32x4.sub(one, f32x4.mul(y, y));
    case ACTIVATION_SIGMOID: return f32x4.mul(y, f32x4.sub(one, y));
    case ACTIVATION_ELU: return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(x, zero));
    case ACTIVATION_SOFTPLUS: return v128.bitselect(one, sigmoidF32x4(x), f32x4.gt(x, f32x4.splat(SOFTPLUS_THRESHOLD)));
    case ACTIVATION_SWISH: {
      const s = sigmoidF32x4(x);
      return f32x4.add(s, f32x4.mul(f32x4.mul(x, s), f32x4.sub(one, s)));
    }
    case ACTIVATION_GELU: {
      // 0.5 (1 + t) + 0.5 x (1 - t²) u'(x), u'(x) = sqrt(2/pi) (1 + 3 * 0.044715 x²)
      const half = f32x4.splat(0.5);
      const t = geluTanh(x);
      const du = f32x4.mul(f32x4.splat(GELU_SQRT_2_OVER_PI), f32x4.add(one, f32x4.mul(f32x4.splat(3 * GELU_CUBIC), f32x4.mul(x, x))));
      return f32x4.add(f32x4.mul(half, f32x4.add(one, t)), f32x4.mul(f32x4.mul(half, x), f32x4.mul(f32x4.sub(one, f32x4.mul(t, t)), du)));
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

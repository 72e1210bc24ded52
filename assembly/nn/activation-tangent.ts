// Second-order companions of activation.ts for the meta-gradients (meta.ts): an
// elementwise activation y = f(x) over n contiguous floats (n a multiple of 4) with
// its first and second derivatives, and the products that carry gradients and
// tangents through it:
//   backward  dx = dy ⊙ f'(x)
//   tangent   ẏ = f'(x) ⊙ ẋ,   ḋx = dẏ ⊙ f'(x) + dy ⊙ f''(x) ⊙ ẋ
// Derivatives come from x (elu: e^x, not y + 1, which loses the digits of a small e^x).
import { ACTIVATION_ELU, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTPLUS, ACTIVATION_TANH } from "../abi/plan";
import { expF32x4, sigmoidF32x4, tanhF32x4 } from "./fastmath";

const SOFTPLUS_THRESHOLD: f32 = 20.0;

// @ts-ignore: decorator
@inline function softplusScalar(x: f32): f32 {
  return x > SOFTPLUS_THRESHOLD ? x : Mathf.log1p(Mathf.exp(x));
}

/**
 * y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x), for tanh, elu (alpha 1), relu,
 * sigmoid, softplus (beta 1, threshold 20) and swish = x·sigmoid(x), as activation.ts
 * defines them.
 */
export function activationWithDerivatives(kind: i32, n: i32, x: usize, y: usize, d1: usize, d2: usize): void {
  const bytes = <usize>n << 2;
  const zero = f32x4.splat(0), one = f32x4.splat(1), two = f32x4.splat(2), minusTwo = f32x4.splat(-2);
  for (let o: usize = 0; o < bytes; o += 16) {
    const v = v128.load(x + o);
    let f = zero, f1 = zero, f2 = zero;
    if (kind == ACTIVATION_TANH) {
      f = tanhF32x4(v);
      f1 = f32x4.sub(one, f32x4.mul(f, f));
      f2 = f32x4.mul(f32x4.mul(minusTwo, f), f1);
    } else if (kind == ACTIVATION_ELU) {
      // x > 0 ? (x, 1, 0) : (e^x - 1, e^x, e^x)
      const pos = f32x4.gt(v, zero);
      const e = expF32x4(v);
      f = v128.bitselect(v, f32x4.sub(e, one), pos);
      f1 = v128.bitselect(one, e, pos);
      f2 = v128.bitselect(zero, e, pos);
    } else if (kind == ACTIVATION_RELU) {
      const pos = f32x4.gt(v, zero);
      f = v128.and(v, pos);
      f1 = v128.and(one, pos);
    } else {
      // sigmoid s: (s, s(1-s), s(1-s)(1-2s)); softplus: (log1p(e^x), s, s(1-s)), linear above
      // the threshold; swish: (x s, s + x s(1-s), s(1-s)(2 + x(1-2s)))
      const s = sigmoidF32x4(v);
      const s1 = f32x4.mul(s, f32x4.sub(one, s));
      const oneMinusTwoS = f32x4.sub(one, f32x4.mul(two, s));
      if (kind == ACTIVATION_SIGMOID) {
        f = s;
        f1 = s1;
        f2 = f32x4.mul(s1, oneMinusTwoS);
      } else if (kind == ACTIVATION_SOFTPLUS) {
        const linear = f32x4.gt(v, f32x4.splat(SOFTPLUS_THRESHOLD));
        f = f32x4(
          softplusScalar(f32x4.extract_lane(v, 0)), softplusScalar(f32x4.extract_lane(v, 1)),
          softplusScalar(f32x4.extract_lane(v, 2)), softplusScalar(f32x4.extract_lane(v, 3)));
        f1 = v128.bitselect(one, s, linear);
        f2 = v128.bitselect(zero, s1, linear);
      } else { // swish
        f = f32x4.mul(v, s);
        f1 = f32x4.add(s, f32x4.mul(v, s1));
        f2 = f32x4.mul(s1, f32x4.add(two, f32x4.mul(v, oneMinusTwoS)));
      }
    }
    v128.store(y + o, f);
    v128.store(d1 + o, f1);
    if (d2) v128.store(d2 + o, f2);
  }
}

/** out = a ⊙ b over n floats (the backward dx = dy ⊙ f', the tangent ẏ = f' ⊙ ẋ). */
export function elementwiseProduct(n: i32, a: usize, b: usize, out: usize): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
}

/** ḋx = dẏ ⊙ f' + dy ⊙ f'' ⊙ ẋ over n floats: the tangent of dx = dy ⊙ f'(x). */
export function activationTangentBackward(n: i32, d1: usize, d2: usize, dy: usize, dyDot: usize, xDot: usize, dxDot: usize): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const first = f32x4.mul(v128.load(dyDot + o), v128.load(d1 + o));
    const second = f32x4.mul(f32x4.mul(v128.load(dy + o), v128.load(d2 + o)), v128.load(xDot + o));
    v128.store(dxDot + o, f32x4.add(first, second));
  }
}

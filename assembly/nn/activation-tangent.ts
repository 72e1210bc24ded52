// Second-order companions of activation.ts for the meta-gradients (meta.ts): an
// elementwise activation y = f(x) over n contiguous floats (n a multiple of 4) with
// its first and second derivatives, and the products that carry gradients and
// tangents through it:
//   backward  dx = dy ⊙ f'(x)
//   tangent   ẏ = f'(x) ⊙ ẋ,   ḋx = dẏ ⊙ f'(x) + dy ⊙ f''(x) ⊙ ẋ
// Derivatives come from x (elu: e^x, not y + 1, which loses the digits of a small e^x).
import { ACTIVATION_ELU, ACTIVATION_TANH } from "../abi/plan";
import { expF32x4, tanhF32x4 } from "./fastmath";

/** y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x), for tanh and elu (alpha 1). */
export function activationWithDerivatives(kind: i32, n: i32, x: usize, y: usize, d1: usize, d2: usize): void {
  const bytes = <usize>n << 2;
  const zero = f32x4.splat(0), one = f32x4.splat(1), minusTwo = f32x4.splat(-2);
  for (let o: usize = 0; o < bytes; o += 16) {
    const v = v128.load(x + o);
    if (kind == ACTIVATION_TANH) {
      const t = tanhF32x4(v);
      const u = f32x4.sub(one, f32x4.mul(t, t));
      v128.store(y + o, t);
      v128.store(d1 + o, u);
      if (d2) v128.store(d2 + o, f32x4.mul(f32x4.mul(minusTwo, t), u));
    } else {
      // elu: x > 0 ? (x, 1, 0) : (e^x - 1, e^x, e^x)
      const pos = f32x4.gt(v, zero);
      const e = expF32x4(v);
      v128.store(y + o, v128.bitselect(v, f32x4.sub(e, one), pos));
      v128.store(d1 + o, v128.bitselect(one, e, pos));
      if (d2) v128.store(d2 + o, v128.bitselect(zero, e, pos));
    }
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

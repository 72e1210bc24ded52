// Branch-free SIMD (f32x4) exp, sigmoid and tanh with float32 accuracy (about 1 ulp for exp),
// for the recurrent and activation kernels. WebAssembly SIMD has no transcendental ops, so
// exp reduces x = n ln2 + r with |r| <= ln2/2 (ln2 split in two, as Cephes expf), takes e^r from
// a degree-6 polynomial and puts 2^n straight into the exponent bits.

// The constants live in a static table (K4(i) splats entry i): V8 rebuilds a v128.const with
// several instructions at every use inside a loop, while a splat-load is a single instruction.
// ROUND_MAGIC = 1.5 * 2^23 + 127: adding it to |v| < 2^22 rounds v to an integer n that then sits,
// plus the exponent bias 127, in the low mantissa bits. LN2_HI has 9 significant bits, so n * LN2_HI
// is exact. Inputs are clamped to [EXP_MIN, EXP_MAX] so 2^n stays a normal float (e^88 ~ 1.7e38,
// e^-87 ~ 1.6e-38: saturated for every use here).
// e^r = 1 + r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4): minimax for relative error on
// |r| <= 1.01 ln2/2 (4e-9; 0.6 ulp evaluated in float32), fitted for this file.
const K = memory.data<f32>([
  1.44269504088896341, // 0 LOG2E
  -1.44269504088896341, // 1 -LOG2E
  12583039.0, //          2 ROUND_MAGIC
  0.693359375, //         3 LN2_HI
  -2.12194440e-4, //      4 LN2_LO
  -0.693359375, //        5 -LN2_HI
  2.12194440e-4, //       6 -LN2_LO
  88.0, //                7 EXP_MAX
  -87.0, //               8 EXP_MIN
  -88.0, //               9 -EXP_MAX
  87.0, //               10 -EXP_MIN
  0.4999999701976776, // 11..15 c2..c6
  0.16666507720947266,
  0.04166744649410248,
  0.00837023090571165,
  0.0013870639959350228,
  1.0, //                16 ONE
  2.0, //                17 TWO
]);

// @ts-ignore: decorator
@inline function K4(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

/** e^r * 2^n for the reduced argument r and `rounded` = n + ROUND_MAGIC (Estrin's scheme: short dependency chains). */
// @ts-ignore: decorator
@inline function scaledExp(rounded: v128, r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const q0 = f32x4.add(K4(11), f32x4.mul(K4(12), r));
  const q1 = f32x4.add(K4(13), f32x4.mul(K4(14), r));
  const p = f32x4.add(q0, f32x4.mul(r2, f32x4.add(q1, f32x4.mul(r2, K4(15)))));
  const er = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), K4(16));
  // (n + 127) << 23 is 2^n as a float; the high bits of ROUND_MAGIC shift out.
  return f32x4.mul(er, i32x4.shl(rounded, 23));
}

/** e^x per lane; relative error below 2e-7 for x in [-87, 88], saturated outside. */
// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  // pmin/pmax are single instructions (min/max are not) and here pass a NaN through just as well.
  x = f32x4.pmax(f32x4.pmin(x, K4(7)), K4(8));
  const rounded = f32x4.add(f32x4.mul(x, K4(0)), K4(2));
  const n = f32x4.sub(rounded, K4(2));
  return scaledExp(rounded, f32x4.sub(f32x4.sub(x, f32x4.mul(n, K4(3))), f32x4.mul(n, K4(4))));
}

/** e^-x per lane, as expF32x4(-x) but with the negation folded into the constants. */
// @ts-ignore: decorator
@inline function expNegF32x4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, K4(10)), K4(9));
  const rounded = f32x4.add(f32x4.mul(x, K4(1)), K4(2));
  const n = f32x4.sub(rounded, K4(2));
  return scaledExp(rounded, f32x4.add(f32x4.sub(f32x4.mul(n, K4(5)), x), f32x4.mul(n, K4(6))));
}

/** 1 / (1 + e^-x) per lane; relative error below 3e-7. */
// @ts-ignore: decorator
@inline export function sigmoidF32x4(x: v128): v128 {
  const one = K4(16);
  return f32x4.div(one, f32x4.add(one, expNegF32x4(x)));
}

/**
 * tanh per lane as 2 sigmoid(2x) - 1: absolute error below 3e-7 (relative error grows near 0,
 * where the result is small: the GRU needs absolute accuracy of its states).
 */
// @ts-ignore: decorator
@inline export function tanhF32x4(x: v128): v128 {
  const one = K4(16);
  return f32x4.sub(f32x4.div(K4(17), f32x4.add(one, expNegF32x4(f32x4.add(x, x)))), one);
}

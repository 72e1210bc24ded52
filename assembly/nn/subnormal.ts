// Flush-to-zero for values below float32's smallest normal (1.2e-38). WebAssembly keeps
// IEEE subnormals, and x86 computes with them many times slower; they appear where
// values decay (optimizer moments of dead units) or underflow (the softmax gradient of
// confident predictions), and are too small to matter there.

const SMALLEST_NORMAL: f32 = 1.17549435e-38;

/** Lanes with |v| < 1.2e-38 set to +0. */
// @ts-ignore: decorator
@inline export function flushSubnormal(v: v128): v128 {
  return v128.and(v, f32x4.ge(f32x4.abs(v), f32x4.splat(SMALLEST_NORMAL)));
}

// scipy.ndimage.gaussian_filter(x, sigma=2) on a 1-D float64 array, mode
// 'reflect' (d c b a | a b c d | d c b a), 17 taps (GENERATOR.md §5).
import { getF64, setF64 } from "./f64";

export const RADIUS: i32 = 8;

// Normalised half-kernel w[0..8] from numpy 1.24.2's AVX512F exp, bit-exact.
const W0 = reinterpret<f64>(0x3FC98862A07AE7B4);
const W1 = reinterpret<f64>(0x3FC68856F9AB1982);
const W2 = reinterpret<f64>(0x3FBEF9093FC46E5A);
const W3 = reinterpret<f64>(0x3FB0941B71CEEF37);
const W4 = reinterpret<f64>(0x3F9BA4D4125FFD29);
const W5 = reinterpret<f64>(0x3F81F30504E20207);
const W6 = reinterpret<f64>(0x3F6227362B5FC92E);
const W7 = reinterpret<f64>(0x3F3C98B8C5D0DDA5);
const W8 = reinterpret<f64>(0x3F118AAD19E4159B);

/** acc + (x[c-d] + x[c+d]) * w, for two neighbouring outputs (c points at the first). */
// @ts-ignore: decorator
@inline function tap2(acc: v128, c: usize, d: usize, w: f64): v128 {
  return f64x2.add(acc, f64x2.mul(f64x2.add(v128.load(c - (d << 3)), v128.load(c + (d << 3))), f64x2.splat(w)));
}

// @ts-ignore: decorator
@inline function tap1(acc: f64, c: usize, d: usize, w: f64): f64 {
  return acc + (load<f64>(c - (d << 3)) + load<f64>(c + (d << 3))) * w;
}

/**
 * out[0..n) = filtered x[0..n). `ext` holds n + 16 values: x extended by
 * reflection. Each output is w0*x[l] + sum over d = 8..1 (farthest pair first)
 * of (x[l-d] + x[l+d]) * w[d]; two outputs per f64x2, the same roundings.
 */
export function gaussianFilter(out: usize, x: usize, n: i32, ext: usize): void {
  memory.copy(ext + (<usize>RADIUS << 3), x, <usize>n << 3);
  for (let d = 1; d <= RADIUS; d++) {
    // x[-d] = x[d-1] and x[n-1+d] = x[n-d] while the reflection stays inside x
    setF64(ext, RADIUS - d, getF64(x, n >= RADIUS ? d - 1 : reflect(-d, n)));
    setF64(ext, RADIUS + n - 1 + d, getF64(x, n >= RADIUS ? n - d : reflect(n - 1 + d, n)));
  }
  let l = 0;
  for (; l + 1 < n; l += 2) {
    const c = ext + (<usize>(l + RADIUS) << 3);
    let acc = f64x2.mul(v128.load(c), f64x2.splat(W0));
    acc = tap2(acc, c, 8, W8);
    acc = tap2(acc, c, 7, W7);
    acc = tap2(acc, c, 6, W6);
    acc = tap2(acc, c, 5, W5);
    acc = tap2(acc, c, 4, W4);
    acc = tap2(acc, c, 3, W3);
    acc = tap2(acc, c, 2, W2);
    acc = tap2(acc, c, 1, W1);
    v128.store(out + (<usize>l << 3), acc);
  }
  if (l < n) {
    const c = ext + (<usize>(l + RADIUS) << 3);
    let acc = load<f64>(c) * W0;
    acc = tap1(acc, c, 8, W8);
    acc = tap1(acc, c, 7, W7);
    acc = tap1(acc, c, 6, W6);
    acc = tap1(acc, c, 5, W5);
    acc = tap1(acc, c, 4, W4);
    acc = tap1(acc, c, 3, W3);
    acc = tap1(acc, c, 2, W2);
    acc = tap1(acc, c, 1, W1);
    setF64(out, l, acc);
  }
}

/** The index that mode 'reflect' reads for position i of a length-n signal (any n >= 1). */
function reflect(i: i32, n: i32): i32 {
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m >= n ? period - 1 - m : m;
}

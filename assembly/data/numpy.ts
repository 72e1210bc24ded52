// numpy 1.24's float64 helpers, operation for operation (GENERATOR.md §3):
// pairwise summation, full-array sum in 8192-element chunks, linspace, np.interp.
import { getF64, setF64 } from "./f64";
import { squaredDeviations } from "./vec";

/** DOUBLE_pairwise_sum over a[0..n) (contiguous). */
export function pairwiseSum(a: usize, n: i32): f64 {
  if (n < 8) {
    let res = 0.0;
    for (let i = 0; i < n; i++) res += getF64(a, i);
    return res;
  }
  if (n <= 128) {
    let r0 = getF64(a, 0), r1 = getF64(a, 1), r2 = getF64(a, 2), r3 = getF64(a, 3);
    let r4 = getF64(a, 4), r5 = getF64(a, 5), r6 = getF64(a, 6), r7 = getF64(a, 7);
    let i = 8;
    const lim = n - (n % 8);
    for (; i < lim; i += 8) {
      r0 += getF64(a, i); r1 += getF64(a, i + 1); r2 += getF64(a, i + 2); r3 += getF64(a, i + 3);
      r4 += getF64(a, i + 4); r5 += getF64(a, i + 5); r6 += getF64(a, i + 6); r7 += getF64(a, i + 7);
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += getF64(a, i);
    return res;
  }
  let n2 = n >> 1;
  n2 -= n2 % 8;
  return pairwiseSum(a, n2) + pairwiseSum(a + (<usize>n2 << 3), n - n2);
}

/** np.sum of a[0..n) in memory order: pairwise sums of 8192-element chunks, accumulated from 0.0. */
export function npSum(a: usize, n: i32): f64 {
  let acc = 0.0;
  for (let s = 0; s < n; s += 8192) acc = acc + pairwiseSum(a + (<usize>s << 3), min(8192, n - s));
  return acc;
}

/** np.mean of a[0..n) in memory order. */
export function npMean(a: usize, n: i32): f64 {
  return npSum(a, n) / <f64>n;
}

/** np.std (ddof 0) of a[0..n) in memory order; `scratch` (n values) receives the squared deviations. */
export function npStd(a: usize, n: i32, scratch: usize): f64 {
  squaredDeviations(a, n, npMean(a, n), scratch);
  return Math.sqrt(npSum(scratch, n) / <f64>n);
}

/** The first `count` values of np.linspace(start, stop, num) (endpoint=True) into out. */
export function linspace(out: usize, start: f64, stop: f64, num: i32, count: i32 = num): void {
  const div = num - 1;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / <f64>div;
    if (step == 0.0) {
      for (let i = 0; i < count; i++) setF64(out, i, (<f64>i / <f64>div) * delta + start);
    } else {
      for (let i = 0; i < count; i++) setF64(out, i, <f64>i * step + start);
    }
    if (count == num) setF64(out, num - 1, stop);
  } else {
    for (let i = 0; i < count; i++) setF64(out, i, <f64>i * delta + start);
  }
}

/**
 * out[i] = np.interp(xs[i], xp, fp) for i < nx: xp strictly increasing, xs
 * non-decreasing, every xs[i] within [xp[0], xp[np-1]] (np >= 2). Slopes use a
 * true division, as numpy does.
 */
export function interp(out: usize, xs: usize, nx: i32, xp: usize, fp: usize, np: i32): void {
  let j = 0; // largest index with xp[j] <= xv (xs ascending, so j only moves right)
  for (let i = 0; i < nx; i++) {
    const xv = getF64(xs, i);
    while (j + 1 < np && getF64(xp, j + 1) <= xv) j++;
    if (j == np - 1) {
      // this and every later point lie at or past the last grid point
      const last = getF64(fp, j);
      for (; i < nx; i++) setF64(out, i, last);
      return;
    }
    const xj = getF64(xp, j);
    if (xj == xv) {
      setF64(out, i, getF64(fp, j));
    } else {
      const fj = getF64(fp, j);
      const slope = (getF64(fp, j + 1) - fj) / (getF64(xp, j + 1) - xj);
      setF64(out, i, slope * (xv - xj) + fj);
    }
  }
}

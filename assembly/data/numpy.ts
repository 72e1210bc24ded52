// numpy 1.24's float64 helpers, operation for operation (GENERATOR.md §3):
// pairwise summation, full-array sum in 8192-element chunks, linspace, np.interp.
import { allocF64, allocI32, getF64, getI32, setF64, setI32 } from "./f64";
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

/** The largest j' >= j with xp[j'] <= xv (j' < np): the segment search of interp, resumed from j. */
// @ts-ignore: decorator
@inline function segment(xp: usize, np: i32, j: i32, xv: f64): i32 {
  while (j + 1 < np && getF64(xp, j + 1) <= xv) j++;
  return j;
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
    j = segment(xp, np, j, xv);
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

/**
 * interp for fixed xs (nx) and xp (np) and any fp: the segment searches and
 * grid differences done once, then two outputs per f64x2 with the same
 * operations as interp. Per output i (j its segment): `lo`, `hi` (i32) the
 * byte offsets of fp[j] and fp[j+1]; `dx` = xp[j+1] - xp[j], `dt` = xs[i] - xp[j]
 * (f64); `copy` (u64 mask) all ones where interp returns fp[j] itself.
 */
export class InterpPlan {
  private lo: usize;
  private hi: usize;
  private dx: usize;
  private dt: usize;
  private copy: usize;

  constructor(xs: usize, private nx: i32, xp: usize, np: i32) {
    this.lo = allocI32(nx);
    this.hi = allocI32(nx);
    this.dx = allocF64(nx);
    this.dt = allocF64(nx);
    this.copy = allocF64(nx);
    let j = 0;
    for (let i = 0; i < nx; i++) {
      const xv = getF64(xs, i);
      j = segment(xp, np, j, xv);
      const xj = getF64(xp, j);
      const linear = j < np - 1 && xj != xv;
      setI32(this.lo, i, j << 3);
      setI32(this.hi, i, (linear ? j + 1 : j) << 3);
      setF64(this.dx, i, linear ? getF64(xp, j + 1) - xj : 1.0);
      setF64(this.dt, i, linear ? xv - xj : 0.0);
      store<u64>(this.copy + (<usize>i << 3), linear ? 0 : <u64>-1);
    }
  }

  /** out[i] = np.interp(xs[i], xp, fp) for i < nx. */
  run(out: usize, fp: usize): void {
    const nx = this.nx;
    let i = 0;
    for (; i + 1 < nx; i += 2) {
      const at = <usize>i << 3;
      const f0 = gather2(fp, this.lo, i);
      const slope = f64x2.div(f64x2.sub(gather2(fp, this.hi, i), f0), v128.load(this.dx + at));
      const lin = f64x2.add(f64x2.mul(slope, v128.load(this.dt + at)), f0);
      v128.store(out + at, v128.bitselect(f0, lin, v128.load(this.copy + at)));
    }
    if (i < nx) {
      const f0 = load<f64>(fp + <usize>getI32(this.lo, i));
      const slope = (load<f64>(fp + <usize>getI32(this.hi, i)) - f0) / getF64(this.dx, i);
      setF64(out, i, load<u64>(this.copy + (<usize>i << 3)) != 0 ? f0 : slope * getF64(this.dt, i) + f0);
    }
  }
}

/** (fp at byte offset offsets[i], fp at offsets[i+1]). */
// @ts-ignore: decorator
@inline function gather2(fp: usize, offsets: usize, i: i32): v128 {
  const o = offsets + (<usize>i << 2);
  return f64x2.replace_lane(f64x2.splat(load<f64>(fp + <usize>load<i32>(o))), 1, load<f64>(fp + <usize>load<i32>(o, 4)));
}

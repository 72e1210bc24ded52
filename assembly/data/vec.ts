// Elementwise f64 loops, two lanes at a time. Each lane performs exactly the
// scalar operation (IEEE mul/add/sub per lane, no fusion), so results are
// bit-identical to the plain loops they replace.
import { getF64, setF64 } from "./f64";

/** a[i] = a[i] * f */
export function scaleBy(a: usize, n: i32, f: f64): void {
  const fv = f64x2.splat(f);
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(a + (<usize>i << 3), f64x2.mul(v128.load(a + (<usize>i << 3)), fv));
  for (; i < n; i++) setF64(a, i, getF64(a, i) * f);
}

/** a[i] = a[i] + b[i] */
export function addInto(a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(a + (<usize>i << 3), f64x2.add(v128.load(a + (<usize>i << 3)), v128.load(b + (<usize>i << 3))));
  for (; i < n; i++) setF64(a, i, getF64(a, i) + getF64(b, i));
}

/** a[i] = a[i] - c * b[i] */
export function subtractScaled(a: usize, b: usize, c: f64, n: i32): void {
  const cv = f64x2.splat(c);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    v128.store(a + (<usize>i << 3), f64x2.sub(v128.load(a + (<usize>i << 3)), f64x2.mul(cv, v128.load(b + (<usize>i << 3)))));
  }
  for (; i < n; i++) setF64(a, i, getF64(a, i) - c * getF64(b, i));
}

/** a[i] = a[i] != 0 ? a[i] : b[i] (IEEE comparison: -0 counts as zero) */
export function fillZeros(a: usize, b: usize, n: i32): void {
  const zero = f64x2.splat(0.0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const av = v128.load(a + (<usize>i << 3));
    v128.store(a + (<usize>i << 3), v128.bitselect(v128.load(b + (<usize>i << 3)), av, f64x2.eq(av, zero)));
  }
  for (; i < n; i++) if (getF64(a, i) == 0.0) setF64(a, i, getF64(b, i));
}

/** (a - mean) / std for i < n */
export function normalise(a: usize, n: i32, mean: f64, std: f64): void {
  const m = f64x2.splat(mean);
  const s = f64x2.splat(std);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const p = a + (<usize>i << 3);
    v128.store(p, f64x2.div(f64x2.sub(v128.load(p), m), s));
  }
  for (; i < n; i++) setF64(a, i, (getF64(a, i) - mean) / std);
}

/** out[i] = (a[i] - mean) * (a[i] - mean) for i < n (out may be a) */
export function squaredDeviations(a: usize, n: i32, mean: f64, out: usize): void {
  const m = f64x2.splat(mean);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const d = f64x2.sub(v128.load(a + (<usize>i << 3)), m);
    v128.store(out + (<usize>i << 3), f64x2.mul(d, d));
  }
  for (; i < n; i++) {
    const d = getF64(a, i) - mean;
    setF64(out, i, d * d);
  }
}

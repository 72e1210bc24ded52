// Softmax cross-entropy on feature-major logits z (classes, ld) for the first b columns
// (PyTorch's F.cross_entropy, mean over the batch), and accuracy. labels: b i32.
import { expF32x4 } from "./fastmath";
import { flushSubnormal } from "./subnormal";

// Per-column log-sum-exp lanes, read back one column at a time.
const scratch = memory.data(16, 16);

/**
 * log(x) per lane for x >= 1 (the softmax sum), Cephes logf: x = 2^e * f with
 * f in [sqrt(1/2), sqrt(2)), log(f) by a degree-9 polynomial; float32 accuracy.
 */
// @ts-ignore: decorator
@inline function logF32x4(x: v128): v128 {
  const one = f32x4.splat(1);
  // exponent and mantissa in [1, 2)
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127)));
  let f = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  // move f above sqrt(2) down to [sqrt(1/2), 1): f /= 2, e += 1
  const big = f32x4.gt(f, f32x4.splat(1.41421356));
  f = v128.bitselect(f32x4.mul(f, f32x4.splat(0.5)), f, big);
  e = f32x4.add(e, v128.and(one, big));
  const r = f32x4.sub(f, one);
  const z = f32x4.mul(r, r);
  let y = f32x4.add(f32x4.mul(f32x4.splat(7.0376836292e-2), r), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, r), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(r, y), f32x4.mul(e, f32x4.splat(0.693359375)));
}

/** Per lane, the largest of the classes logits in the 4 columns at byte offset col of z (classes, ld). */
// @ts-ignore: decorator
@inline export function columnMax(classes: i32, row: usize, z: usize, col: usize): v128 {
  let m = v128.load(z + col);
  for (let c = 1; c < classes; c++) m = f32x4.max(m, v128.load(z + <usize>c * row + col));
  return m;
}

/**
 * Returns the SUM over the b examples of -log softmax(z)[label]. When dz != 0 also
 * writes dz (classes, ld) = (softmax(z) - onehot(label)) / b, zero in padding columns.
 */
export function softmaxCrossEntropy(classes: i32, b: i32, ld: i32, z: usize, labels: usize, dz: usize): f64 {
  const row = <usize>ld << 2;
  const invB: f32 = 1.0 / <f32>b;
  let total: f64 = 0;
  for (let j = 0; j < ld; j += 4) {
    const col = <usize>j << 2;
    if (j >= b) {
      if (dz) for (let c = 0; c < classes; c++) v128.store(dz + <usize>c * row + col, f32x4.splat(0));
      continue;
    }
    const m = columnMax(classes, row, z, col);
    let s = f32x4.splat(0);
    for (let c = 0; c < classes; c++) {
      const e = expF32x4(f32x4.sub(v128.load(z + <usize>c * row + col), m));
      s = f32x4.add(s, e);
      if (dz) v128.store(dz + <usize>c * row + col, e);
    }
    v128.store(scratch, f32x4.add(m, logF32x4(s))); // log-sum-exp per column
    const lanes = min(4, b - j);
    if (dz) {
      // softmax / b, zero in padding lanes
      const valid: v128 = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(lanes));
      const scale = v128.and(f32x4.div(f32x4.splat(invB), s), valid);
      for (let c = 0; c < classes; c++) {
        const p = dz + <usize>c * row + col;
        v128.store(p, flushSubnormal(f32x4.mul(v128.load(p), scale))); // keep subnormals out of the backward pass
      }
    }
    for (let l = 0; l < lanes; l++) {
      const y = load<i32>(labels + (<usize>(j + l) << 2));
      const at = <usize>y * row + col + (<usize>l << 2);
      total += <f64>(load<f32>(scratch + (<usize>l << 2)) - load<f32>(z + at));
      if (dz) store<f32>(dz + at, load<f32>(dz + at) - invB);
    }
  }
  return total;
}

/** Number of the first b columns whose arg-max (first on ties) equals the label. */
export function countCorrect(classes: i32, b: i32, ld: i32, z: usize, labels: usize): i32 {
  const row = <usize>ld << 2;
  let correct = 0;
  for (let j = 0; j < b; j++) {
    const col = <usize>j << 2;
    let best = 0;
    let bestValue = load<f32>(z + col);
    for (let c = 1; c < classes; c++) {
      const v = load<f32>(z + <usize>c * row + col);
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    if (best == load<i32>(labels + (<usize>j << 2))) correct++;
  }
  return correct;
}

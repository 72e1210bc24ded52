// Tangent companion of loss.ts's softmaxCrossEntropy on feature-major logits
// z (classes, ld): when z moves along ż, the mean cross-entropy over the first b
// columns moves by (1/b) Σ_columns ⟨softmax(z) - onehot, ż⟩ and its gradient
// dz = (softmax(z) - onehot)/b by dż = softmax ⊙ (ż - ⟨softmax, ż⟩) / b.
// Columns go 4 at a time (one per lane), as in softmaxCrossEntropy.
import { expF32x4 } from "./fastmath";
import { columnMax } from "./loss";

// ⟨softmax, ż⟩ per lane, read back one column at a time
const scratch = memory.data(16, 16);

/**
 * Returns the SUM over the b examples of ⟨softmax(z) - onehot(label), ż⟩ and writes
 * dzDot (classes, ld), zero in padding columns. labels: b i32.
 */
export function softmaxCrossEntropyTangent(classes: i32, b: i32, ld: i32, z: usize, zDot: usize, labels: usize, dzDot: usize): f64 {
  const row = <usize>ld << 2;
  const invB: f32 = 1.0 / <f32>b;
  let total: f64 = 0;
  for (let j = 0; j < ld; j += 4) {
    const col = <usize>j << 2;
    if (j >= b) {
      for (let c = 0; c < classes; c++) v128.store(dzDot + <usize>c * row + col, f32x4.splat(0));
      continue;
    }
    const m = columnMax(classes, row, z, col);
    let s = f32x4.splat(0), dot = f32x4.splat(0);
    for (let c = 0; c < classes; c++) {
      const at = <usize>c * row + col;
      const e = expF32x4(f32x4.sub(v128.load(z + at), m));
      s = f32x4.add(s, e);
      dot = f32x4.add(dot, f32x4.mul(e, v128.load(zDot + at)));
      v128.store(dzDot + at, e);
    }
    const inv = f32x4.div(f32x4.splat(1), s);
    dot = f32x4.mul(dot, inv);
    v128.store(scratch, dot);
    const lanes = min(4, b - j);
    // softmax (ż - dot) / b, zero in padding lanes
    const valid: v128 = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(lanes));
    const scale = v128.and(f32x4.mul(inv, f32x4.splat(invB)), valid);
    for (let c = 0; c < classes; c++) {
      const at = <usize>c * row + col;
      v128.store(dzDot + at, f32x4.mul(f32x4.mul(v128.load(dzDot + at), scale), f32x4.sub(v128.load(zDot + at), dot)));
    }
    for (let l = 0; l < lanes; l++) {
      const y = load<i32>(labels + (<usize>(j + l) << 2));
      total += <f64>(load<f32>(scratch + (<usize>l << 2)) - load<f32>(zDot + <usize>y * row + col + (<usize>l << 2)));
    }
  }
  return total;
}

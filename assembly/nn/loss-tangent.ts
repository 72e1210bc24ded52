// Tangent companion of loss.ts's softmaxCrossEntropy on feature-major logits
// z (classes, ld): when z moves along ż, the mean cross-entropy over the first b
// columns moves by (1/b) Σ_columns ⟨softmax(z) - onehot, ż⟩ and its gradient
// dz = (softmax(z) - onehot)/b by dż = softmax ⊙ (ż - ⟨softmax, ż⟩) / b.

/**
 * Returns the SUM over the b examples of ⟨softmax(z) - onehot(label), ż⟩ and writes
 * dzDot (classes, ld), zero in padding columns. labels: b i32.
 */
export function softmaxCrossEntropyTangent(classes: i32, b: i32, ld: i32, z: usize, zDot: usize, labels: usize, dzDot: usize): f64 {
  const row = <usize>ld << 2;
  const invB: f32 = 1.0 / <f32>b;
  let total: f64 = 0;
  for (let j = 0; j < ld; j++) {
    const col = <usize>j << 2;
    if (j >= b) {
      for (let c = 0; c < classes; c++) store<f32>(dzDot + <usize>c * row + col, 0);
      continue;
    }
    let m = load<f32>(z + col);
    for (let c = 1; c < classes; c++) m = max(m, load<f32>(z + <usize>c * row + col));
    let sum: f32 = 0;
    let dot: f32 = 0;
    for (let c = 0; c < classes; c++) {
      const e = Mathf.exp(load<f32>(z + <usize>c * row + col) - m);
      sum += e;
      dot += e * load<f32>(zDot + <usize>c * row + col);
    }
    dot /= sum; // ⟨softmax, ż⟩
    for (let c = 0; c < classes; c++) {
      const at = <usize>c * row + col;
      const p = Mathf.exp(load<f32>(z + at) - m) / sum;
      store<f32>(dzDot + at, p * (load<f32>(zDot + at) - dot) * invB);
    }
    total += <f64>(dot - load<f32>(zDot + <usize>load<i32>(labels + col) * row + col));
  }
  return total;
}

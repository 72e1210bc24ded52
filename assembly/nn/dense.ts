// Dense (Linear) layer on feature-major activations: x (IN, ld), y (OUT, ld), with
// ld the padded batch (a multiple of 4; padding columns carry zero gradients).
// W (OUT, IN) row-major and b (OUT) as PyTorch's Linear; y = W·x + b, optionally relu.
// With a sparsity pattern (pattern != 0, see sparse.ts) only the kept weights are used.
import { GEMM_ACC, GEMM_RELU, gemmNN, gemmNT } from "./gemm";
import { sparseBackwardInput, sparseForward, sparseWeightGrad } from "./sparse";
import { transpose } from "./transpose";

/** y (OUT, ld) = [relu](W·x + b). */
export function denseForward(IN: i32, OUT: i32, ld: i32, x: usize, W: usize, b: usize, y: usize, relu: bool, pattern: usize): void {
  if (pattern) {
    sparseForward(IN, OUT, ld, pattern, x, W, b, y, relu);
    return;
  }
  const row = <usize>ld << 2;
  gemmNN(OUT, ld, 1, IN, W, <usize>IN << 2, 0, 4, x, 0, row, y, row, b, relu ? GEMM_RELU : 0);
}

/**
 * Backward of denseForward. dy (OUT, ld) is the gradient of y; with `relu` it is
 * first masked in place by (y > 0). Writes dW (OUT, IN) and db (OUT); when dx != 0
 * writes (or with `accumulate` adds) dx (IN, ld) = Wᵀ·dy.
 * dW = dy·xᵀ: with a scratch xT (ld * IN floats) and IN a multiple of 4, x is
 * transposed once and dW is an outer-product GEMM (no horizontal sums); otherwise
 * it is the dot-product form over the batch. With a pattern, dW is 0 at the pruned weights.
 */
export function denseBackward(
  IN: i32, OUT: i32, ld: i32, x: usize, W: usize, y: usize, dy: usize,
  dW: usize, db: usize, dx: usize, relu: bool, accumulate: bool, xT: usize, pattern: usize,
): void {
  const row = <usize>ld << 2;
  maskAndSumRows(OUT, ld, y, dy, db, relu);
  if (pattern) {
    sparseWeightGrad(IN, OUT, ld, pattern, x, dy, dW);
    if (dx) sparseBackwardInput(IN, OUT, ld, pattern, W, dy, dx, accumulate);
    return;
  }
  if (xT && (IN & 3) == 0) {
    transpose(IN, ld, x, xT);
    gemmNN(OUT, IN, 1, ld, dy, row, 0, 4, xT, 0, <usize>IN << 2, dW, <usize>IN << 2, 0, 0);
  } else {
    gemmNT(OUT, IN, 1, ld >> 2, dy, row, 0, x, row, 0, dW, <usize>IN << 2, 4);
  }
  if (dx) gemmNN(IN, ld, 1, OUT, W, 4, 0, <usize>IN << 2, dy, 0, row, dx, row, 0, accumulate ? GEMM_ACC : 0);
}

/**
 * For each of `rows` rows of n floats (n a multiple of 4): with `relu`, dy *= (y > 0)
 * in place; then sums[r] = sum of the row (the bias gradient).
 */
export function maskAndSumRows(rows: i32, n: i32, y: usize, dy: usize, sums: usize, relu: bool): void {
  // One running sum per row, in order: independent partial sums would be faster but
  // round differently, and every trained result depends on this order, so the
  // published order stays (this kernel is a small part of a step; docs/kernels.md).
  const bytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const pd = dy + <usize>r * bytes;
    const py = y + <usize>r * bytes;
    let s = f32x4.splat(0);
    for (let o: usize = 0; o < bytes; o += 16) {
      let d = v128.load(pd + o);
      if (relu) {
        d = v128.and(d, f32x4.gt(v128.load(py + o), f32x4.splat(0)));
        v128.store(pd + o, d);
      }
      s = f32x4.add(s, d);
    }
    store<f32>(sums + (<usize>r << 2),
      f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  }
}

// Tangent (forward-mode) companions of dense.ts for y = W·x + b without relu, on
// feature-major activations x (IN, ld), y (OUT, ld): the directional derivatives of
// the forward and of the backward pass when W, b (and x) move along Ẇ, ḃ (and ẋ).
// A dense layer is bilinear in (W, x), so each tangent is a sum of two products of
// one tangent with one primal, e.g. ẏ = Ẇ·x + W·ẋ + ḃ. Each such sum is ONE GEMM of
// gemm.ts: its outer sum index k1 runs over the two products, the strides ak1 and
// bk1 being the distances between the two operands (any byte offset, wrapping).
// Ẇ (OUT, IN) is followed by ḃ (OUT), as W is by b.
import { maskAndSumRows } from "./dense";
import { gemmNN, gemmNT } from "./gemm";
import { transpose } from "./transpose";

/** ẏ (OUT, ld) = Ẇ·x + ḃ, plus W·ẋ when xDot != 0. */
export function denseTangentForward(IN: i32, OUT: i32, ld: i32, x: usize, xDot: usize, W: usize, WDot: usize, yDot: usize): void {
  const row = <usize>ld << 2;
  const bDot = WDot + (<usize>(IN * OUT) << 2);
  // k1 = 0: Ẇ·x, k1 = 1: W·ẋ
  gemmNN(OUT, ld, xDot ? 2 : 1, IN, WDot, <usize>IN << 2, W - WDot, 4, x, xDot - x, row, yDot, row, bDot, 0);
}

/**
 * Tangent of denseBackward (no relu). dy (OUT, ld) is the gradient of y and dyDot its
 * tangent. Writes dẆ = dẏ·xᵀ [+ dy·ẋᵀ when xDot != 0] (OUT, IN), dḃ = Σ dẏ (OUT),
 * and when dxDot != 0 the tangent of dx: Ẇᵀ·dy + Wᵀ·dẏ (IN, ld).
 * xT: 0, or scratch of ld * IN floats (2 * ld * IN with xDot) for the transposed x (and ẋ) when IN is a
 * multiple of 4 (then dẆ is an outer-product GEMM, as in denseBackward).
 */
export function denseTangentBackward(
  IN: i32, OUT: i32, ld: i32, x: usize, xDot: usize, W: usize, WDot: usize,
  dy: usize, dyDot: usize, dWDot: usize, dbDot: usize, dxDot: usize, xT: usize,
): void {
  const row = <usize>ld << 2, inRow = <usize>IN << 2;
  const K1 = xDot ? 2 : 1;
  maskAndSumRows(OUT, ld, 0, dyDot, dbDot, false);
  // k1 = 0: dẏ·xᵀ, k1 = 1: dy·ẋᵀ
  if (xT && (IN & 3) == 0) {
    const xDotT = xT + <usize>ld * inRow;
    transpose(IN, ld, x, xT);
    if (xDot) transpose(IN, ld, xDot, xDotT);
    gemmNN(OUT, IN, K1, ld, dyDot, row, dy - dyDot, 4, xT, xDotT - xT, inRow, dWDot, inRow, 0, 0);
  } else {
    gemmNT(OUT, IN, K1, ld >> 2, dyDot, row, dy - dyDot, x, row, xDot - x, dWDot, inRow, 4);
  }
  // k1 = 0: Ẇᵀ·dy, k1 = 1: Wᵀ·dẏ
  if (dxDot) gemmNN(IN, ld, 2, OUT, WDot, 4, W - WDot, inRow, dy, dyDot - dy, row, dxDot, row, 0, 0);
}

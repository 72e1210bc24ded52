// Tangent (forward-mode) companions of dense.ts for y = W·x + b without relu, on
// feature-major activations x (IN, ld), y (OUT, ld): the directional derivatives of
// the forward and of the backward pass when W, b (and x) move along Ẇ, ḃ (and ẋ).
// A dense layer is bilinear in (W, x), so its second-order terms are the products of
// one tangent with one primal: both companions are GEMMs with the kernels of gemm.ts.
// Ẇ (OUT, IN) is followed by ḃ (OUT), as W is by b.
import { denseBackward, denseForward } from "./dense";
import { GEMM_ACC, gemmNN, gemmNT } from "./gemm";

/** ẏ (OUT, ld) = Ẇ·x + ḃ, plus W·ẋ when xDot != 0. */
export function denseTangentForward(IN: i32, OUT: i32, ld: i32, x: usize, xDot: usize, W: usize, WDot: usize, yDot: usize): void {
  denseForward(IN, OUT, ld, x, WDot, WDot + (<usize>(IN * OUT) << 2), yDot, false, 0);
  const row = <usize>ld << 2;
  if (xDot) gemmNN(OUT, ld, 1, IN, W, <usize>IN << 2, 0, 4, xDot, 0, row, yDot, row, 0, GEMM_ACC);
}

/**
 * Tangent of denseBackward (no relu). dy (OUT, ld) is the gradient of y and dyDot its
 * tangent. Writes dẆ = dẏ·xᵀ [+ dy·ẋᵀ when xDot != 0] (OUT, IN), dḃ = Σ dẏ (OUT),
 * and when dxDot != 0 the tangent of dx: Ẇᵀ·dy + Wᵀ·dẏ (IN, ld).
 * xT: scratch of ld * IN floats for denseBackward (or 0).
 */
export function denseTangentBackward(
  IN: i32, OUT: i32, ld: i32, x: usize, xDot: usize, W: usize, WDot: usize,
  dy: usize, dyDot: usize, dWDot: usize, dbDot: usize, dxDot: usize, xT: usize,
): void {
  const row = <usize>ld << 2;
  denseBackward(IN, OUT, ld, x, W, 0, dyDot, dWDot, dbDot, dxDot, false, false, xT, 0);
  if (xDot) gemmNT(OUT, IN, 1, ld >> 2, dy, row, 0, xDot, row, 0, dWDot, <usize>IN << 2, 4, GEMM_ACC);
  if (dxDot) gemmNN(IN, ld, 1, OUT, WDot, 4, 0, <usize>IN << 2, dy, 0, row, dxDot, row, 0, GEMM_ACC);
}

// The paper CNN's inner convolutions (kernel 3, stride 2, padding 1) with one sixth
// fewer multiply-adds: Winograd's F(2,2) on the odd input positions.
//   y[t] = W0 x[2t-1] + W1 x[2t] + W2 x[2t+1]   (Wj = W[:, :, j], x[u] = 0 outside x)
// With o[t] = x[2t+1], two outputs share the product of (W0 + W2) with o[t]:
//   y[t]   = W1 x[2t]   + W0 (o[t-1] - o[t]) + m,   m = (W0 + W2) o[t]
//   y[t+1] = W1 x[2t+2] + W2 (o[t+1] - o[t]) + m
// so a pair of outputs takes 5 channel GEMMs instead of 6; the input gradient and the
// weight gradient have the same structure (see their functions). Shapes as conv1d.ts:
// x (Cin, Lin, ld), y (Cout, Lout, ld), W (Cout, Cin, 3). The sums are ordered
// differently from the direct kernels (float rounding, not values, differ).
//
// Scratch (winogradScratchFloats): Wsum = W0 + W2 (Cout x Cin, written by the forward
// pass and reused by the backward pass of the same step), P (Cout x Cin), then a
// work area of `ld` columns.
import { GEMM_ACC, GEMM_RELU, gemmNN, gemmNT } from "./gemm";

/** Floats of scratch a conv needs for the Winograd kernels at batch ld; 0 when it does not take them. */
export function winogradScratchFloats(Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32): i32 {
  // below about 40 channels the transforms cost more than the saved sixth (measured)
  if (K != 3 || S != 2 || P != 1 || Cin < 40 || Cout < 40 || Lout < 2) return 0;
  const pairs = Lout >> 1;
  const columns = max(4 * Cin, max(2 * Cout + Cin, (Cout + 2 * Cin) * pairs));
  return 2 * Cout * Cin + columns * ld;
}

/**
 * For c < C: dst row c = (a row c or 0) ± (b row c or 0), rows of ld floats; row c of a
 * is at a + c * aStride (a == 0: zeros), likewise b and dst.
 */
function combineRows(C: i32, ld: i32, dst: usize, dstStride: usize, a: usize, aStride: usize, b: usize, bStride: usize, subtract: bool): void {
  const bytes = <usize>ld << 2;
  const sign = f32x4.splat(subtract ? -1 : 1);
  for (let c = 0; c < C; c++) {
    const d = dst + <usize>c * dstStride, pa = a + <usize>c * aStride, pb = b + <usize>c * bStride;
    for (let o: usize = 0; o < bytes; o += 16) {
      const va = a ? v128.load(pa + o) : f32x4.splat(0);
      v128.store(d + o, b ? f32x4.add(va, f32x4.mul(sign, v128.load(pb + o))) : va);
    }
  }
}

/** Row u of a (C, L, ld) tensor at base, or 0 when u is outside [0, L). */
// @ts-ignore: decorator
@inline function rowAt(base: usize, u: i32, L: i32, row: usize): usize {
  return u >= 0 && u < L ? base + <usize>u * row : 0;
}

/** Wsum (Cout, Cin) = W[:, :, 0] + W[:, :, 2]. */
function sumOuterTaps(Cin: i32, Cout: i32, W: usize, wsum: usize): void {
  const n = Cout * Cin;
  for (let i = 0; i < n; i++) {
    store<f32>(wsum + (<usize>i << 2), load<f32>(W + (<usize>(3 * i) << 2)) + load<f32>(W + (<usize>(3 * i + 2) << 2)));
  }
}

/** y = [relu](conv(x) + b): pairs of positions by F(2,2), an odd last one directly. */
export function winogradForward(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  const wsum = scratch, block = <usize>Cin * row;
  sumOuterTaps(Cin, Cout, W, wsum);
  // work blocks (Cin, ld): E0 = x[2t], D1 = o[t-1] - o[t], E1 = x[2t+2], D3 = o[t+1] - o[t]
  const e0 = scratch + (<usize>(2 * Cout * Cin) << 2), d1 = e0 + block, e1 = d1 + block, d3 = e1 + block;
  const flags = GEMM_ACC | (relu ? GEMM_RELU : 0);
  const wWide = <usize>(3 * Cin) << 2; // W row stride (per output channel)
  let t = 0;
  for (; t + 1 < Lout; t += 2) {
    const u = 2 * t;
    combineRows(Cin, ld, e0, row, rowAt(x, u, Lin, row), xc, 0, 0, false);
    combineRows(Cin, ld, e1, row, rowAt(x, u + 2, Lin, row), xc, 0, 0, false);
    combineRows(Cin, ld, d1, row, rowAt(x, u - 1, Lin, row), xc, rowAt(x, u + 1, Lin, row), xc, true);
    combineRows(Cin, ld, d3, row, rowAt(x, u + 3, Lin, row), xc, rowAt(x, u + 1, Lin, row), xc, true);
    const yt = y + <usize>t * row, yn = yt + row;
    // m (+ bias) into both outputs (o[t] = x[u + 1] is inside x), then each adds its two other products
    gemmNN(Cout, ld, 1, Cin, wsum, <usize>Cin << 2, 0, 4, x + <usize>(u + 1) * row, 0, xc, yt, yc, b, 0);
    combineRows(Cout, ld, yn, yc, yt, yc, 0, 0, false);
    gemmNN(Cout, ld, 2, Cin, W + 4, wWide, <usize>-4, 12, e0, block, row, yt, yc, 0, flags); // [W1 W0] [E0; D1]
    gemmNN(Cout, ld, 2, Cin, W + 4, wWide, 4, 12, e1, block, row, yn, yc, 0, flags); // [W1 W2] [E1; D3]
  }
  if (t < Lout) {
    // the last position directly: taps j with 2t + j - 1 inside x
    const taps = min(3, Lin - (2 * t - 1));
    gemmNN(Cout, ld, Cin, taps, W, wWide, 12, 4, x + <usize>(2 * t - 1) * row, xc, row, y + <usize>t * row, yc, b, relu ? GEMM_RELU : 0);
  }
}

/**
 * dx (Cin, Lin, ld) (+)= the input gradient of winogradForward for dy (Cout, Lout, ld),
 * using the forward pass's Wsum. Even positions: dx[2t] = W1ᵀ dy[t]. Odd positions
 * dx[2s+1] = W2ᵀ dy[s] + W0ᵀ dy[s+1] go in pairs sharing m = Wsumᵀ dy[s+1]:
 *   dx[2s+1] = W2ᵀ (dy[s] - dy[s+1]) + m,   dx[2s+3] = W0ᵀ (dy[s+2] - dy[s+1]) + m.
 */
export function winogradBackwardInput(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  W: usize, dy: usize, dx: usize, accumulate: bool, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  const wsum = scratch, gBlock = <usize>Cout * row;
  const da = scratch + (<usize>(2 * Cout * Cin) << 2), db = da + gBlock, m = db + gBlock;
  const acc = accumulate ? GEMM_ACC : 0;
  const wT = <usize>(3 * Cin) << 2; // Wjᵀ: A(c, o) at W + j*4 + c*12 + o*wT
  // (every even position 2t has its t < Lout, every odd one 2s+1 its s < Lout)
  for (let u = 0; u < Lin; u += 2) {
    gemmNN(Cin, ld, 1, Cout, W + 4, 12, 0, wT, dy + <usize>(u >> 1) * row, 0, yc, dx + <usize>u * row, xc, 0, acc);
  }
  const odds = Lin >> 1; // odd positions 1, 3, ..., 2 * odds - 1
  let s = 0;
  for (; s + 1 < odds && s + 1 < Lout; s += 2) {
    const a = dx + <usize>(2 * s + 1) * row, bpos = a + 2 * row;
    const mid = dy + <usize>(s + 1) * row;
    combineRows(Cout, ld, da, row, dy + <usize>s * row, yc, mid, yc, true);
    combineRows(Cout, ld, db, row, rowAt(dy, s + 2, Lout, row), yc, mid, yc, true);
    gemmNN(Cin, ld, 1, Cout, wsum, 4, 0, <usize>Cin << 2, mid, 0, yc, m, row, 0, 0);
    combineRows(Cin, ld, a, xc, m, row, accumulate ? a : 0, xc, false);
    combineRows(Cin, ld, bpos, xc, m, row, accumulate ? bpos : 0, xc, false);
    gemmNN(Cin, ld, 1, Cout, W + 8, 12, 0, wT, da, 0, row, a, xc, 0, GEMM_ACC);
    gemmNN(Cin, ld, 1, Cout, W, 12, 0, wT, db, 0, row, bpos, xc, 0, GEMM_ACC);
  }
  for (; s < odds; s++) {
    // W2ᵀ dy[s] + W0ᵀ dy[s+1] directly (dy rows outside dy are 0)
    gemmNN(Cin, ld, min(2, Lout - s), Cout, W + 8, 12, <usize>-8, wT, dy + <usize>s * row, row, yc, dx + <usize>(2 * s + 1) * row, xc, 0, acc);
  }
}

/**
 * dW (Cout, Cin, 3) = the weight gradient of winogradForward: dW1 = sum_t dy[t] x[2t]ᵀ;
 * over pairs (t, t+1) with P = sum (dy[t] + dy[t+1]) o[t]ᵀ,
 *   dW0 = P + sum dy[t] (o[t-1] - o[t])ᵀ,   dW2 = P + sum dy[t+1] (o[t+1] - o[t])ᵀ,
 * and an odd last position directly (all sums also over the batch).
 */
export function winogradWeightGrad(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  x: usize, dy: usize, dW: usize, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  const kv = ld >> 2;
  const wc = <usize>(3 * Cin) << 2; // dW row stride
  gemmNT(Cout, Cin, Lout, kv, dy, yc, row, x, xc, 2 * row, dW + 4, wc, 12); // dW1
  const pairs = Lout >> 1;
  const p = scratch + (<usize>(Cout * Cin) << 2);
  const pr = <usize>pairs * row;
  const sums = scratch + (<usize>(2 * Cout * Cin) << 2), u0 = sums + <usize>Cout * pr, u2 = u0 + <usize>Cin * pr;
  for (let k = 0; k < pairs; k++) {
    const t = 2 * k, kr = <usize>k * row;
    combineRows(Cout, ld, sums + kr, pr, dy + <usize>t * row, yc, dy + <usize>(t + 1) * row, yc, false);
    combineRows(Cin, ld, u0 + kr, pr, rowAt(x, 2 * t - 1, Lin, row), xc, rowAt(x, 2 * t + 1, Lin, row), xc, true);
    combineRows(Cin, ld, u2 + kr, pr, rowAt(x, 2 * t + 3, Lin, row), xc, rowAt(x, 2 * t + 1, Lin, row), xc, true);
  }
  gemmNT(Cout, Cin, pairs, kv, sums, pr, row, x + row, xc, 4 * row, p, <usize>Cin << 2, 4); // P
  gemmNT(Cout, Cin, pairs, kv, dy, yc, 2 * row, u0, pr, row, dW, wc, 12); // dW0 - P
  gemmNT(Cout, Cin, pairs, kv, dy + row, yc, 2 * row, u2, pr, row, dW + 8, wc, 12); // dW2 - P
  const n = Cout * Cin;
  for (let i = 0; i < n; i++) {
    const pi = load<f32>(p + (<usize>i << 2));
    const w0 = dW + (<usize>(3 * i) << 2), w2 = w0 + 8;
    store<f32>(w0, load<f32>(w0) + pi);
    store<f32>(w2, load<f32>(w2) + pi);
  }
  if (Lout & 1) {
    const t = Lout - 1;
    const a = dy + <usize>t * row;
    gemmNT(Cout, Cin, 1, kv, a, yc, 0, x + <usize>(2 * t - 1) * row, xc, 0, dW, wc, 12, GEMM_ACC);
    if (2 * t + 1 < Lin) gemmNT(Cout, Cin, 1, kv, a, yc, 0, x + <usize>(2 * t + 1) * row, xc, 0, dW + 8, wc, 12, GEMM_ACC);
  }
}

// Conv1d (cross-correlation, zero padding, any kernel size / stride / channels) as
// PyTorch's nn.Conv1d, im2col-free on batch-innermost activations:
//   x (Cin, Lin, ld), y (Cout, Lout, ld), W (Cout, Cin, K), b (Cout)
//   y[o, t, :] = b[o] + sum_{c, j} W[o, c, j] * x[c, t*S + j - P, :]   (terms outside x are 0)
// Each output position t is one gemmNN over (valid taps j) x (input channels c):
// the A operand is read straight out of W by splat loads and the B rows are
// x[c, u, :] rows, so no patch matrix is ever written. ld is the padded batch.
// On the paper's conv layers this is at least as fast as im2col + one GEMM, whose
// GEMM alone costs about as much (docs/kernels.md).
import { GEMM_ACC, GEMM_RELU, gemmNN, gemmNT, reluIf } from "./gemm";
import { maskAndSumRows } from "./dense";
import { winogradBackwardInput, winogradForward, winogradWeightGrad } from "./conv-winograd";

/**
 * gemmNN with a two-level reduction (K1 outer, K2 inner), putting the longer level
 * innermost so that the register tile's loop runs long.
 */
function convGemm(
  M: i32, ld: i32, n1: i32, n2: i32,
  a: usize, ai: usize, a1: usize, a2: usize,
  b: usize, b1: usize, b2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  if (n1 > n2) gemmNN(M, ld, n2, n1, a, ai, a2, a1, b, b2, b1, c, ldc, bias, flags);
  else gemmNN(M, ld, max(n1, 0), n2, a, ai, a1, a2, b, b1, b2, c, ldc, bias, flags);
}

/**
 * y = [relu](conv(x) + b), shapes in the header. With a scratch (winogradScratchFloats:
 * kernel 3, stride 2, padding 1 only) the Winograd kernels of conv-winograd.ts run.
 */
export function conv1dForward(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, scratch: usize,
): void {
  if (scratch) {
    winogradForward(Cin, Lin, Cout, Lout, ld, x, W, b, y, relu, scratch);
    return;
  }
  if (Cin == 1 && K <= MAX_SINGLE_INPUT_TAPS) {
    // one input channel, few taps (the first layer): the positions with every tap
    // inside x streamed by singleInputForward, the border ones by GEMM
    const tA = firstInnerPosition(Lout, S, P), tB = pastInnerPositions(Lin, Lout, K, S, P, tA);
    if (tB > tA) singleInputForward(Lout, Cout, K, S, P, ld, x, W, b, y, relu, tA, tB);
    forwardPositions(Cin, Lin, Cout, Lout, K, S, P, ld, x, W, b, y, relu, 0, tA);
    forwardPositions(Cin, Lin, Cout, Lout, K, S, P, ld, x, W, b, y, relu, tB, Lout);
  } else {
    forwardPositions(Cin, Lin, Cout, Lout, K, S, P, ld, x, W, b, y, relu, 0, Lout);
  }
}

/** Output positions t in [t0, t1) of conv1dForward, one gemmNN each over (valid taps) x (input channels). */
function forwardPositions(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, t0: i32, t1: i32,
): void {
  const row = <usize>ld << 2;
  for (let t = t0; t < t1; t++) {
    const u0 = t * S - P; // input position of tap 0
    const j0 = max(0, -u0);
    const j1 = min(K, Lin - u0);
    // taps j0..j1-1 (stride 4 bytes in W, one x row each), channels (K*4 in W, Lin rows in x)
    convGemm(Cout, ld, j1 - j0, Cin,
      W + (<usize>j0 << 2), <usize>(Cin * K) << 2, 4, <usize>K << 2,
      x + <usize>(u0 + j0) * row, row, <usize>Lin * row,
      y + <usize>t * row, <usize>Lout * row, b, relu ? GEMM_RELU : 0);
  }
}

/** The first output position whose taps all lie inside x (Lout when none does). */
// @ts-ignore: decorator
@inline function firstInnerPosition(Lout: i32, S: i32, P: i32): i32 {
  return min(Lout, ceilDiv(P, S));
}

/** Past the last output position whose taps all lie inside x (tA when none does). */
// @ts-ignore: decorator
@inline function pastInnerPositions(Lin: i32, Lout: i32, K: i32, S: i32, P: i32, tA: i32): i32 {
  return max(tA, min(Lout, floorDiv(Lin - K + P, S) + 1));
}

/** singleInputForward handles up to this many taps (the paper CNN's conv1 has 5). */
const MAX_SINGLE_INPUT_TAPS = 5;

/**
 * y[o, t, :] = [relu](b[o] + sum_j W[o, 0, j] x[0, t*S + j - P, :]) for t in [tA, tB),
 * where every tap lies inside x, one input channel. gemmNN's register tiles would run
 * K-long sums (mostly epilogue); here an output channel's taps stay in registers while
 * the loop streams over positions and the batch. Sums in gemmNN's order (taps in
 * order, then the bias), so the results are the same.
 */
function singleInputForward(
  Lout: i32, Cout: i32, K: i32, S: i32, P: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, tA: i32, tB: i32,
): void {
  switch (K) {
    case 1: singleInputTaps(1, Lout, Cout, S, P, ld, x, W, b, y, relu, tA, tB); break;
    case 2: singleInputTaps(2, Lout, Cout, S, P, ld, x, W, b, y, relu, tA, tB); break;
    case 3: singleInputTaps(3, Lout, Cout, S, P, ld, x, W, b, y, relu, tA, tB); break;
    case 4: singleInputTaps(4, Lout, Cout, S, P, ld, x, W, b, y, relu, tA, tB); break;
    default: singleInputTaps(5, Lout, Cout, S, P, ld, x, W, b, y, relu, tA, tB);
  }
}

/** singleInputForward for a constant K (inlined per K, so the unused taps fold away). */
// @ts-ignore: decorator
@inline function singleInputTaps(
  K: i32, Lout: i32, Cout: i32, S: i32, P: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, tA: i32, tB: i32,
): void {
  const row = <usize>ld << 2;
  for (let o = 0; o < Cout; o++) {
    const w = W + (<usize>(o * K) << 2);
    const w0 = v128.load32_splat(w);
    const w1 = K > 1 ? v128.load32_splat(w + 4) : w0;
    const w2 = K > 2 ? v128.load32_splat(w + 8) : w0;
    const w3 = K > 3 ? v128.load32_splat(w + 12) : w0;
    const w4 = K > 4 ? v128.load32_splat(w + 16) : w0;
    const bias = b ? v128.load32_splat(b + (<usize>o << 2)) : f32x4.splat(0);
    for (let t = tA; t < tB; t++) {
      // one pointer per tap (fewer address computations in the loop)
      let p0 = x + <usize>(t * S - P) * row;
      let p1 = p0 + row, p2 = p1 + row, p3 = p2 + row, p4 = p3 + row;
      let q = y + <usize>(o * Lout + t) * row;
      const end = q + row;
      while (q < end) {
        let acc = f32x4.mul(w0, v128.load(p0));
        if (K > 1) acc = f32x4.add(acc, f32x4.mul(w1, v128.load(p1)));
        if (K > 2) acc = f32x4.add(acc, f32x4.mul(w2, v128.load(p2)));
        if (K > 3) acc = f32x4.add(acc, f32x4.mul(w3, v128.load(p3)));
        if (K > 4) acc = f32x4.add(acc, f32x4.mul(w4, v128.load(p4)));
        acc = f32x4.add(acc, bias);
        v128.store(q, reluIf(acc, relu));
        p0 += 16; p1 += 16; p2 += 16; p3 += 16; p4 += 16; q += 16;
      }
    }
  }
}

/**
 * Backward of conv1dForward. dy (Cout, Lout, ld), masked in place by (y > 0) with
 * `relu`. Writes dW and db; when dx != 0 writes (or with `accumulate` adds) dx.
 * With a scratch, the Winograd kernels (after the forward pass that filled it).
 */
export function conv1dBackward(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32,
  x: usize, W: usize, y: usize, dy: usize, dW: usize, db: usize, dx: usize,
  relu: bool, accumulate: bool, scratch: usize,
): void {
  const row = <usize>ld << 2;
  maskAndSumRows(Cout, Lout * ld, y, dy, db, relu);
  if (scratch) {
    winogradWeightGrad(Cin, Lin, Cout, Lout, ld, x, dy, dW, scratch);
    if (dx) winogradBackwardInput(Cin, Lin, Cout, Lout, ld, W, dy, dx, accumulate, scratch);
    return;
  }
  if (Cin < 4) weightGradByChannel(Cin, Lin, Cout, Lout, K, S, P, ld, x, dy, dW);
  else weightGradByTap(Cin, Lin, Cout, Lout, K, S, P, ld, x, dy, dW, 0, Lout, 0, K, 0);
  if (!dx) return;
  // dx[c, u, :] = sum over taps j with t = (u + P - j) / S integral in [0, Lout) and o: W[o, c, j] dy[o, t, :]
  for (let u = 0; u < Lin; u++) {
    let jlo = max(0, u + P - (Lout - 1) * S);
    jlo += (u + P - jlo) % S; // first tap with (u + P - j) divisible by S
    const jhi = min(K - 1, u + P);
    const taps = jlo <= jhi ? (jhi - jlo) / S + 1 : 0;
    const tFirst = (u + P - jlo) / S; // t falls by one per tap step
    convGemm(Cin, ld, taps, Cout,
      W + (<usize>jlo << 2), <usize>K << 2, <usize>S << 2, <usize>(Cin * K) << 2,
      dy + <usize>tFirst * row, <usize>(-(<isize>row)), <usize>Lout * row,
      dx + <usize>u * row, <usize>Lin * row, 0, accumulate ? GEMM_ACC : 0);
  }
}

/**
 * dW[:, :, j] (+)= sum over t in [t0, t1) (valid ones) and the batch of dy[o, t, :] · x[c, t*S + j - P, :],
 * for taps j in [j0, j1): per tap one gemmNT over (output, input channel) in 2x4 tiles.
 */
function weightGradByTap(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32,
  x: usize, dy: usize, dW: usize, t0: i32, t1: i32, j0: i32, j1: i32, flags: i32,
): void {
  const row = <usize>ld << 2;
  for (let j = j0; j < j1; j++) {
    const ta = max(t0, ceilDiv(P - j, S));
    const tb = min(t1, floorDiv(Lin - 1 + P - j, S) + 1);
    const nt = max(0, tb - ta);
    const a = dy + <usize>ta * row;
    const bx = x + <usize>(ta * S + j - P) * row;
    const c = dW + (<usize>j << 2);
    if (S == 1) {
      // consecutive t rows are contiguous in dy and x: one long dot product
      gemmNT(Cout, Cin, 1, (nt * ld) >> 2, a, <usize>Lout * row, 0, bx, <usize>Lin * row, 0, c, <usize>(Cin * K) << 2, <usize>K << 2, flags);
    } else {
      gemmNT(Cout, Cin, nt, ld >> 2, a, <usize>Lout * row, row, bx, <usize>Lin * row, <usize>S * row, c, <usize>(Cin * K) << 2, <usize>K << 2, flags);
    }
  }
}

/**
 * The weight gradient for few input channels (conv1 has one): per channel the taps are
 * the columns (their x rows one row apart), so each dy vector loaded serves every tap.
 * That covers the positions t where every tap lies inside x; the border positions are
 * then added tap by tap.
 */
function weightGradByChannel(Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32, x: usize, dy: usize, dW: usize): void {
  const tA = firstInnerPosition(Lout, S, P), tB = pastInnerPositions(Lin, Lout, K, S, P, tA);
  if (tB == tA) {
    weightGradByTap(Cin, Lin, Cout, Lout, K, S, P, ld, x, dy, dW, 0, Lout, 0, K, 0);
    return;
  }
  const row = <usize>ld << 2;
  const nt = tB - tA;
  for (let c = 0; c < Cin; c++) {
    const a = dy + <usize>tA * row;
    const bx = x + <usize>(c * Lin + tA * S - P) * row;
    const out = dW + (<usize>(c * K) << 2);
    if (S == 1) gemmNT(Cout, K, 1, (nt * ld) >> 2, a, <usize>Lout * row, 0, bx, row, 0, out, <usize>(Cin * K) << 2, 4);
    else gemmNT(Cout, K, nt, ld >> 2, a, <usize>Lout * row, row, bx, row, <usize>S * row, out, <usize>(Cin * K) << 2, 4);
  }
  weightGradByTap(Cin, Lin, Cout, Lout, K, S, P, ld, x, dy, dW, 0, tA, 0, K, GEMM_ACC);
  weightGradByTap(Cin, Lin, Cout, Lout, K, S, P, ld, x, dy, dW, tB, Lout, 0, K, GEMM_ACC);
}

// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  return <i32>Math.floor(<f64>a / <f64>b);
}

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 {
  return <i32>Math.ceil(<f64>a / <f64>b);
}

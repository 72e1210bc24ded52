// The paper CNN's inner convolutions (kernel 3, stride 2, padding 1) with 11/15 of the
// multiply-adds: Winograd's F(5,2) on the odd input positions.
//   y[t] = W1 x[2t] + z[t],   z[t] = W0 o[t-1] + W2 o[t],   o[s] = x[2s+1]   (x[u] = 0 outside x)
// Over a block of 5 outputs t0..t0+4, z is a 2-tap correlation of the 6 odd inputs
// d_i = o[t0-1+i]. Toom-Cook at the points 0, 1, -1, 2, -2 and infinity (Lavin's
// F(m, r) with m = 5, r = 2) gets it from 6 channel GEMMs instead of 10:
//   D_k = sum_i BT[k][i] d_i,   G_k = GW[k][0] W0 + GW[k][1] W2,   M_k = G_k D_k,
//   z[t0+r] = sum_k AT[r][k] M_k,   AT[r][k] = p_k^r (and AT[4][5] = 1)
// so a block costs 5 + 6 = 11 GEMMs instead of 15 (the even part W1 x[2t] has nothing
// to share). The input gradient and the weight gradient are the transposed algorithm.
// Positions past the last whole block use the direct formula. Shapes as conv1d.ts:
// x (Cin, Lin, ld), y (Cout, Lout, ld), W (Cout, Cin, 3). Sums run in another order
// than the direct kernels': results differ by float rounding (about 5e-7 relative).
//
// Scratch (winogradScratchFloats; the forward pass fills what its backward pass reads):
//   filters  G_k, 6 x (Cout, Cin)         forward -> input gradient
//   products P_k, 6 x (Cout, Cin)         weight gradient
//   inputs   D_k per block, (blocks, 6, Cin, ld)   forward -> weight gradient
//   grads    A-transformed dy, k = 1..4 per block, (blocks, 4, Cout, ld)
//   work     M_k or N_k, 6 x (max(Cin, Cout), ld)
//   a row of zeros and a row for discarded sums, ld floats each
import { GEMM_ACC, GEMM_RELU, gemmNN, gemmNT } from "./gemm";

const BLOCK = 5; // outputs per block
const TERMS = 6; // channel GEMMs per block for the odd part (Toom-Cook points)
// from about 20 channels the saved GEMMs outweigh the transforms (measured: +3 to +7 % steps/s
// at 20 to 35 channels); 30 keeps the paper CNN (25 channels) on the direct kernels, whose
// rounding matches PyTorch's closely enough for the parity test's Adam step
const MIN_CHANNELS = 30;

// G_k = GW[k][0] W0 + GW[k][1] W2: p^j / prod_{l != k} (p_k - p_l) for the finite points
const GW0: StaticArray<f32> = [0.25, -1.0 / 6.0, -1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 0];
const GW1: StaticArray<f32> = [0, -1.0 / 6.0, 1.0 / 6.0, 1.0 / 12.0, -1.0 / 12.0, 1];

/** Floats of scratch a conv needs for the Winograd kernels at batch ld; 0 when it does not take them. */
export function winogradScratchFloats(Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32): i32 {
  if (K != 3 || S != 2 || P != 1 || Cin < MIN_CHANNELS || Cout < MIN_CHANNELS || Lout < BLOCK) return 0;
  const blocks = Lout / BLOCK;
  return 2 * TERMS * Cout * Cin + blocks * (TERMS * Cin + 4 * Cout) * ld + TERMS * max(Cin, Cout) * ld + 2 * ld;
}

// Addresses of the scratch's parts (see the header), set by layout() for the call at hand.
let filtersAt: usize = 0;
let productsAt: usize = 0;
let inputsAt: usize = 0;
let gradsAt: usize = 0;
let workAt: usize = 0;
let zerosAt: usize = 0;
let discardAt: usize = 0;

function layout(scratch: usize, Cin: i32, Cout: i32, Lout: i32, ld: i32): void {
  const row = <usize>ld << 2, filters = <usize>(TERMS * Cout * Cin) << 2;
  const blocks = <usize>(Lout / BLOCK);
  filtersAt = scratch;
  productsAt = filtersAt + filters;
  inputsAt = productsAt + filters;
  gradsAt = inputsAt + blocks * <usize>(TERMS * Cin) * row;
  workAt = gradsAt + blocks * <usize>(4 * Cout) * row;
  zerosAt = workAt + <usize>(TERMS * max(Cin, Cout)) * row;
  discardAt = zerosAt + row;
}

/**
 * Odd row s (x[2s + 1]) of a (C, L, ld) tensor, or the stand-in row (zeros to read, or
 * a row that takes discarded sums) when it lies outside.
 */
// @ts-ignore: decorator
@inline function oddRow(base: usize, s: i32, L: i32, row: usize, standIn: usize): usize {
  return s >= 0 && 2 * s + 1 < L ? base + <usize>(2 * s + 1) * row : standIn;
}

/** The channel stride of a row from oddRow: 0 for the stand-in row (one row serves every channel). */
// @ts-ignore: decorator
@inline function edgeStride(p: usize, ch: usize, standIn: usize): usize {
  return p == standIn ? 0 : ch;
}

/**
 * D_k = sum_i BT[k][i] d_i for one block: per channel c < C, d_i is the row at
 * d0 + c*s0 (i = 0), mid + (i-1)*step + c*ch (i = 1..4), d5 + c*s5 (i = 5); D_k row c at
 * dst + k*kStride + c*row. BT rows: the coefficients of prod_{l != k} (x - p_l), and of
 * prod_l (x - p_l) for infinity.
 */
function inputTransform(
  C: i32, ld: i32,
  d0: usize, s0: usize, mid: usize, step: usize, ch: usize, d5: usize, s5: usize,
  dst: usize, kStride: usize,
): void {
  const row = <usize>ld << 2;
  const four = f32x4.splat(4), two = f32x4.splat(2);
  for (let c = 0; c < C; c++) {
    const p0 = d0 + <usize>c * s0, p1 = mid + <usize>c * ch, p5 = d5 + <usize>c * s5;
    const p2 = p1 + step, p3 = p2 + step, p4 = p3 + step;
    const q = dst + <usize>c * row;
    for (let o: usize = 0; o < row; o += 16) {
      const x0 = v128.load(p0 + o), x1 = v128.load(p1 + o), x2 = v128.load(p2 + o);
      const x3 = v128.load(p3 + o), x4 = v128.load(p4 + o), x5 = v128.load(p5 + o);
      const a = f32x4.sub(x4, f32x4.mul(four, x2)); // d4 - 4 d2
      const b = f32x4.sub(x3, f32x4.mul(four, x1)); // d3 - 4 d1
      const e = f32x4.sub(x4, x2);
      const f = f32x4.mul(two, f32x4.sub(x3, x1));
      v128.store(q + o, f32x4.add(f32x4.sub(a, x2), f32x4.mul(four, x0))); // 4 d0 - 5 d2 + d4
      v128.store(q + kStride + o, f32x4.add(a, b)); // -4 d1 - 4 d2 + d3 + d4
      v128.store(q + 2 * kStride + o, f32x4.sub(a, b)); // 4 d1 - 4 d2 - d3 + d4
      v128.store(q + 3 * kStride + o, f32x4.add(e, f)); // -2 d1 - d2 + 2 d3 + d4
      v128.store(q + 4 * kStride + o, f32x4.sub(e, f)); // 2 d1 - d2 - 2 d3 + d4
      v128.store(q + 5 * kStride + o, f32x4.sub(f32x4.sub(x5, b), f32x4.mul(four, x3))); // 4 d1 - 5 d3 + d5
    }
  }
}

/**
 * z[r] = sum_k AT[r][k] M_k for r < 5 (AT[r][k] = p_k^r, infinity only in r = 4):
 * M_k row c at m + k*kStride + c*row, z[r] row c written at z + r*row + c*zc.
 */
function outputTransform(C: i32, ld: i32, m: usize, kStride: usize, z: usize, zc: usize): void {
  const row = <usize>ld << 2;
  const two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8), sixteen = f32x4.splat(16);
  for (let c = 0; c < C; c++) {
    const p = m + <usize>c * row, q = z + <usize>c * zc;
    for (let o: usize = 0; o < row; o += 16) {
      const m1 = v128.load(p + kStride + o), m2 = v128.load(p + 2 * kStride + o);
      const m3 = v128.load(p + 3 * kStride + o), m4 = v128.load(p + 4 * kStride + o);
      const s1 = f32x4.add(m1, m2), d1 = f32x4.sub(m1, m2), s2 = f32x4.add(m3, m4), d2 = f32x4.sub(m3, m4);
      v128.store(q + o, f32x4.add(f32x4.add(v128.load(p + o), s1), s2));
      v128.store(q + row + o, f32x4.add(d1, f32x4.mul(two, d2)));
      v128.store(q + 2 * row + o, f32x4.add(s1, f32x4.mul(four, s2)));
      v128.store(q + 3 * row + o, f32x4.add(d1, f32x4.mul(eight, d2)));
      v128.store(q + 4 * row + o, f32x4.add(f32x4.add(s1, f32x4.mul(sixteen, s2)), v128.load(p + 5 * kStride + o)));
    }
  }
}

/**
 * The transpose of outputTransform for k = 1..4 (k = 0 is g[0], k = 5 is g[4]):
 * T_k = sum_r p_k^r g[r], g[r] row c at g + r*row + c*gc, T_k row c at t + (k-1)*kStride + c*row.
 */
function gradTransform(C: i32, ld: i32, g: usize, gc: usize, t: usize, kStride: usize): void {
  const row = <usize>ld << 2;
  const two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8), sixteen = f32x4.splat(16);
  for (let c = 0; c < C; c++) {
    const p = g + <usize>c * gc, q = t + <usize>c * row;
    for (let o: usize = 0; o < row; o += 16) {
      const g0 = v128.load(p + o), g1 = v128.load(p + row + o), g2 = v128.load(p + 2 * row + o);
      const g3 = v128.load(p + 3 * row + o), g4 = v128.load(p + 4 * row + o);
      const even = f32x4.add(f32x4.add(g0, g2), g4), odd = f32x4.add(g1, g3);
      const even2 = f32x4.add(f32x4.add(g0, f32x4.mul(four, g2)), f32x4.mul(sixteen, g4));
      const odd2 = f32x4.add(f32x4.mul(two, g1), f32x4.mul(eight, g3));
      v128.store(q + o, f32x4.add(even, odd)); // point 1
      v128.store(q + kStride + o, f32x4.sub(even, odd)); // point -1
      v128.store(q + 2 * kStride + o, f32x4.add(even2, odd2)); // point 2
      v128.store(q + 3 * kStride + o, f32x4.sub(even2, odd2)); // point -2
    }
  }
}

/**
 * The transpose of inputTransform, added into the odd rows: d_i += sum_k BT[k][i] N_k,
 * N_k row c at n + k*kStride + c*row; d_i rows addressed as in inputTransform.
 */
function inputGradTransform(
  C: i32, ld: i32, n: usize, kStride: usize,
  d0: usize, s0: usize, mid: usize, step: usize, ch: usize, d5: usize, s5: usize,
): void {
  const row = <usize>ld << 2;
  const two = f32x4.splat(2), four = f32x4.splat(4), five = f32x4.splat(5);
  for (let c = 0; c < C; c++) {
    const p = n + <usize>c * row;
    const q0 = d0 + <usize>c * s0, q1 = mid + <usize>c * ch, q5 = d5 + <usize>c * s5;
    const q2 = q1 + step, q3 = q2 + step, q4 = q3 + step;
    for (let o: usize = 0; o < row; o += 16) {
      const n0 = v128.load(p + o), n1 = v128.load(p + kStride + o), n2 = v128.load(p + 2 * kStride + o);
      const n3 = v128.load(p + 3 * kStride + o), n4 = v128.load(p + 4 * kStride + o), n5 = v128.load(p + 5 * kStride + o);
      const dp = f32x4.sub(n1, n2), sp = f32x4.add(n1, n2), du = f32x4.sub(n3, n4), su = f32x4.add(n3, n4);
      const twoDu = f32x4.mul(two, du);
      v128.store(q0 + o, f32x4.add(v128.load(q0 + o), f32x4.mul(four, n0)));
      // -4 (n1 - n2) - 2 (n3 - n4) + 4 n5
      v128.store(q1 + o, f32x4.add(v128.load(q1 + o), f32x4.sub(f32x4.mul(four, f32x4.sub(n5, dp)), twoDu)));
      // -5 n0 - 4 (n1 + n2) - (n3 + n4)
      v128.store(q2 + o, f32x4.sub(v128.load(q2 + o), f32x4.add(f32x4.add(f32x4.mul(five, n0), f32x4.mul(four, sp)), su)));
      // (n1 - n2) + 2 (n3 - n4) - 5 n5
      v128.store(q3 + o, f32x4.add(v128.load(q3 + o), f32x4.sub(f32x4.add(dp, twoDu), f32x4.mul(five, n5))));
      v128.store(q4 + o, f32x4.add(v128.load(q4 + o), f32x4.add(f32x4.add(n0, sp), su)));
      v128.store(q5 + o, f32x4.add(v128.load(q5 + o), n5));
    }
  }
}

/** y = [relu](conv(x) + b): blocks of 5 positions by F(5,2), the rest directly. */
export function winogradForward(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  x: usize, W: usize, b: usize, y: usize, relu: bool, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  layout(scratch, Cin, Cout, Lout, ld);
  memory.fill(zerosAt, 0, row);
  transformFilters(Cin, Cout, W, filtersAt);
  const flags = GEMM_ACC | (relu ? GEMM_RELU : 0);
  const wWide = <usize>(3 * Cin) << 2; // W row stride (per output channel)
  const filter = <usize>(Cout * Cin) << 2, inBlock = <usize>(TERMS * Cin) * row;
  const mStride = <usize>Cout * row, dStride = <usize>Cin * row;
  const blocks = Lout / BLOCK;
  for (let bl = 0; bl < blocks; bl++) {
    const t0 = bl * BLOCK;
    const d = inputsAt + <usize>bl * inBlock;
    // d_0 = o[t0 - 1] and d_5 = o[t0 + 4] may lie outside x (d_1..d_4 never do)
    const first = oddRow(x, t0 - 1, Lin, row, zerosAt), last = oddRow(x, t0 + 4, Lin, row, zerosAt);
    inputTransform(Cin, ld, first, edgeStride(first, xc, zerosAt), x + <usize>(2 * t0 + 1) * row, 2 * row, xc,
      last, edgeStride(last, xc, zerosAt), d, dStride);
    for (let k = 0; k < TERMS; k++) {
      gemmNN(Cout, ld, 1, Cin, filtersAt + <usize>k * filter, <usize>Cin << 2, 0, 4,
        d + <usize>k * dStride, 0, row, workAt + <usize>k * mStride, row, 0, 0);
    }
    const yt = y + <usize>t0 * row;
    outputTransform(Cout, ld, workAt, mStride, yt, yc);
    for (let r = 0; r < BLOCK; r++) {
      // + bias + W1 x[2t] (then relu)
      gemmNN(Cout, ld, 1, Cin, W + 4, wWide, 0, 12, x + <usize>(2 * (t0 + r)) * row, 0, xc, yt + <usize>r * row, yc, b, flags);
    }
  }
  for (let t = blocks * BLOCK; t < Lout; t++) {
    // directly: taps j with 2t + j - 1 inside x
    const taps = min(3, Lin - (2 * t - 1));
    gemmNN(Cout, ld, Cin, taps, W, wWide, 12, 4, x + <usize>(2 * t - 1) * row, xc, row, y + <usize>t * row, yc, b, relu ? GEMM_RELU : 0);
  }
}

/** G_k (Cout, Cin) = GW0[k] W[:, :, 0] + GW1[k] W[:, :, 2] for the 6 points. */
function transformFilters(Cin: i32, Cout: i32, W: usize, filters: usize): void {
  const n = Cout * Cin;
  const filter = <usize>n << 2;
  for (let i = 0; i < n; i++) {
    const w0 = load<f32>(W + (<usize>(3 * i) << 2)), w2 = load<f32>(W + (<usize>(3 * i + 2) << 2));
    const at = filters + (<usize>i << 2);
    for (let k = 0; k < TERMS; k++) {
      store<f32>(at + <usize>k * filter, unchecked(GW0[k]) * w0 + unchecked(GW1[k]) * w2);
    }
  }
}

/**
 * dW (Cout, Cin, 3) = the weight gradient of winogradForward. dW1 = sum_t dy[t] x[2t]ᵀ;
 * per block, with T_k the transposed output transform of dy[t0..t0+4],
 *   P_k = sum_blocks T_k D_kᵀ,   dW0 = sum_k GW0[k] P_k,   dW2 = sum_k GW1[k] P_k,
 * and the positions past the last block directly (all sums also over the batch).
 */
export function winogradWeightGrad(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  x: usize, dy: usize, dW: usize, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  layout(scratch, Cin, Cout, Lout, ld);
  const kv = ld >> 2;
  const wc = <usize>(3 * Cin) << 2; // dW row stride
  gemmNT(Cout, Cin, Lout, kv, dy, yc, row, x, xc, 2 * row, dW + 4, wc, 12); // dW1
  const blocks = Lout / BLOCK;
  const gStride = <usize>Cout * row, gBlock = <usize>4 * gStride;
  for (let bl = 0; bl < blocks; bl++) {
    gradTransform(Cout, ld, dy + <usize>(bl * BLOCK) * row, yc, gradsAt + <usize>bl * gBlock, gStride);
  }
  const filter = <usize>(Cout * Cin) << 2, dStride = <usize>Cin * row, inBlock = <usize>TERMS * dStride;
  const blockRow = <usize>BLOCK * row;
  for (let k = 0; k < TERMS; k++) {
    // T_0 = dy[t0] and T_5 = dy[t0 + 4] in place; T_1..T_4 from gradTransform
    const a = k == 0 ? dy : k == TERMS - 1 ? dy + 4 * row : gradsAt + <usize>(k - 1) * gStride;
    const ai = k == 0 || k == TERMS - 1 ? yc : row;
    const ak1 = k == 0 || k == TERMS - 1 ? blockRow : gBlock;
    gemmNT(Cout, Cin, blocks, kv, a, ai, ak1, inputsAt + <usize>k * dStride, row, inBlock, productsAt + <usize>k * filter, <usize>Cin << 2, 4);
  }
  combineProducts(Cin, Cout, productsAt, dW);
  for (let t = blocks * BLOCK; t < Lout; t++) {
    const g = dy + <usize>t * row;
    gemmNT(Cout, Cin, 1, kv, g, yc, 0, x + <usize>(2 * t - 1) * row, xc, 0, dW, wc, 12, GEMM_ACC);
    if (2 * t + 1 < Lin) gemmNT(Cout, Cin, 1, kv, g, yc, 0, x + <usize>(2 * t + 1) * row, xc, 0, dW + 8, wc, 12, GEMM_ACC);
  }
}

/** dW[:, :, 0] = sum_k GW0[k] P_k and dW[:, :, 2] = sum_k GW1[k] P_k (overwritten). */
function combineProducts(Cin: i32, Cout: i32, products: usize, dW: usize): void {
  const n = Cout * Cin;
  const filter = <usize>n << 2;
  for (let i = 0; i < n; i++) {
    const at = products + (<usize>i << 2);
    let w0: f32 = 0, w2: f32 = 0;
    for (let k = 0; k < TERMS; k++) {
      const p = load<f32>(at + <usize>k * filter);
      w0 += unchecked(GW0[k]) * p;
      w2 += unchecked(GW1[k]) * p;
    }
    store<f32>(dW + (<usize>(3 * i) << 2), w0);
    store<f32>(dW + (<usize>(3 * i + 2) << 2), w2);
  }
}

/**
 * dx (Cin, Lin, ld) (+)= the input gradient of winogradForward for dy (Cout, Lout, ld),
 * using the forward pass's filters and the weight gradient's transformed dy. Even
 * positions: dx[2t] = W1ᵀ dy[t]. Odd positions, per block: N_k = G_kᵀ T_k, then
 * d_i += sum_k BT[k][i] N_k; past the last block directly.
 */
export function winogradBackwardInput(
  Cin: i32, Lin: i32, Cout: i32, Lout: i32, ld: i32,
  W: usize, dy: usize, dx: usize, accumulate: bool, scratch: usize,
): void {
  const row = <usize>ld << 2, xc = <usize>Lin * row, yc = <usize>Lout * row;
  layout(scratch, Cin, Cout, Lout, ld);
  const acc = accumulate ? GEMM_ACC : 0;
  const wT = <usize>(3 * Cin) << 2; // Wjᵀ: A(c, o) at W + j*4 + c*12 + o*wT
  // (every even position 2t has its t < Lout)
  for (let u = 0; u < Lin; u += 2) {
    gemmNN(Cin, ld, 1, Cout, W + 4, 12, 0, wT, dy + <usize>(u >> 1) * row, 0, yc, dx + <usize>u * row, xc, 0, acc);
  }
  if (!accumulate) {
    for (let c = 0; c < Cin; c++) {
      for (let u = 1; u < Lin; u += 2) memory.fill(dx + <usize>c * xc + <usize>u * row, 0, row);
    }
  }
  const filter = <usize>(Cout * Cin) << 2, nStride = <usize>Cin * row;
  const gStride = <usize>Cout * row, gBlock = <usize>4 * gStride;
  const blocks = Lout / BLOCK;
  for (let bl = 0; bl < blocks; bl++) {
    const t0 = bl * BLOCK;
    for (let k = 0; k < TERMS; k++) {
      const g = k == 0 ? dy + <usize>t0 * row : k == TERMS - 1 ? dy + <usize>(t0 + 4) * row : gradsAt + <usize>bl * gBlock + <usize>(k - 1) * gStride;
      const gc = k == 0 || k == TERMS - 1 ? yc : row;
      // N_k (Cin, ld) = G_kᵀ T_k: A(c, o) = G_k[o][c]
      gemmNN(Cin, ld, 1, Cout, filtersAt + <usize>k * filter, 4, 0, <usize>Cin << 2, g, 0, gc, workAt + <usize>k * nStride, row, 0, 0);
    }
    const first = oddRow(dx, t0 - 1, Lin, row, discardAt), last = oddRow(dx, t0 + 4, Lin, row, discardAt);
    inputGradTransform(Cin, ld, workAt, nStride, first, edgeStride(first, xc, discardAt),
      dx + <usize>(2 * t0 + 1) * row, 2 * row, xc, last, edgeStride(last, xc, discardAt));
  }
  for (let t = blocks * BLOCK; t < Lout; t++) {
    // W0ᵀ dy[t] into dx[2t - 1], W2ᵀ dy[t] into dx[2t + 1] (when inside)
    const g = dy + <usize>t * row;
    gemmNN(Cin, ld, 1, Cout, W, 12, 0, wT, g, 0, yc, dx + <usize>(2 * t - 1) * row, xc, 0, GEMM_ACC);
    if (2 * t + 1 < Lin) gemmNN(Cin, ld, 1, Cout, W + 8, 12, 0, wT, g, 0, yc, dx + <usize>(2 * t + 1) * row, xc, 0, GEMM_ACC);
  }
}

// The paper CNN's inner convolutions (kernel 3, stride 2, padding 1) with 11/15 of the
// multiply-adds: Winograd's F(5,2) on the odd input positions.
//   y[t] = W1 x[2t] + z[t],   z[t] = W0 o[t-1] + W2 o[t],   o[s] = x[2s+1]   (x[u] = 0 outside x)
// Over a block of 5 outputs t0..t0+4, z is a 2-tap correlation of the 6 odd inputs
// d_i = o[t0-1+i]. Toom-Cook at the points 0, 1, -1, 2, -2 and infinity (Lavin's
// F(m, r) with m = 5, r = 2) gets it from 6 channel GEMMs instead of 10:
//   D_k = sum_i BT[k][i] d_i,   G_k = GW[k][0] W0 + GW[k][1] W2,   M_k = G_k D_k,
//   z[t0+r] = sum_k AT[r][k] M_k,   AT[r][k] = p_k^r (and AT[4][5] = 1)
// so a block costs 5 + 6 = 11 GEMMs instead of 15 (the even part W1 x[2t] has nothing
// to share). The forward pass runs the even part through the same transforms: the
// pair (x[2s], o[s]) is a 2-tap correlation input too, with taps (0, W0) and (W1, W2),
// and G_0's share of W1 is 0, so it takes 1 GEMM over Cin and 5 over 2 Cin input rows
// (the same 11 x Cin multiply-adds in 6 longer GEMMs; the bias and relu come with the
// output transform). The input gradient and the weight gradient are the transposed
// polyphase algorithm. Positions past the last whole block use the direct formula. Shapes as conv1d.ts:
// x (Cin, Lin, ld), y (Cout, Lout, ld), W (Cout, Cin, 3). Sums run in another order
// than the direct kernels': results differ by float rounding (about 5e-7 relative).
//
// Scratch (winogradScratchFloats; the forward pass fills what its backward pass reads):
//   filters  F_k = [GW1[k] W1 | G_k], 6 x (Cout, 2 Cin)   forward -> input gradient
//   products P_k, 6 x (Cout, Cin)         weight gradient
//   inputs   [even D_k; odd D_k] per block, (blocks, 6, 2 Cin, ld)   forward -> weight gradient
//   grads    A-transformed dy, k = 1..4 per block, (blocks, 4, Cout, ld)
//   work     M_k or N_k, 6 x (max(Cin, Cout), ld)
//   a row of zeros and a row for discarded sums, ld floats each
import { GEMM_ACC, GEMM_RELU, gemmNN, gemmNT, reluIf } from "./gemm";

const BLOCK = 5; // outputs per block
const TERMS = 6; // channel GEMMs per block for the odd part (Toom-Cook points)
// from about 20 channels the saved GEMMs outweigh the transforms (docs/kernels.md, bench
// section winograd); 30 keeps the paper CNN (25 channels) on the direct kernels, whose
// rounding matches PyTorch's closely enough for the parity test's Adam step
const MIN_CHANNELS = 30;

// G_k = GW[k][0] W0 + GW[k][1] W2: p^j / prod_{l != k} (p_k - p_l) for the finite points
const GW0: StaticArray<f32> = [0.25, -1.0 / 6.0, -1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 0];
const GW1: StaticArray<f32> = [0, -1.0 / 6.0, 1.0 / 6.0, 1.0 / 12.0, -1.0 / 12.0, 1];

/**
 * Floats of scratch a conv needs for the Winograd kernels at batch ld; 0 when it does not
 * take them. Counted in f64 (exact here), so a shape too large for the engine reports its true size.
 */
export function winogradScratchFloats(Cin: i32, Lin: i32, Cout: i32, Lout: i32, K: i32, S: i32, P: i32, ld: i32): f64 {
  if (K != 3 || S != 2 || P != 1 || Cin < MIN_CHANNELS || Cout < MIN_CHANNELS || Lout < BLOCK) return 0;
  const blocks = <f64>(Lout / BLOCK), ci = <f64>Cin, co = <f64>Cout, l = <f64>ld;
  return 3 * TERMS * co * ci + blocks * (2 * TERMS * ci + 4 * co) * l + TERMS * max(ci, co) * l + 2 * l;
}

// Addresses of the scratch's parts, in the header's order: each follows from the
// scratch's base and the conv's shapes, so every kernel computes the ones it uses.
// @ts-ignore: decorator
@inline function productsAt(scratch: usize, Cin: i32, Cout: i32): usize {
  return scratch + 2 * (<usize>(TERMS * Cout * Cin) << 2); // after the filters
}

// @ts-ignore: decorator
@inline function inputsAt(scratch: usize, Cin: i32, Cout: i32): usize {
  return scratch + 3 * (<usize>(TERMS * Cout * Cin) << 2);
}

// @ts-ignore: decorator
@inline function gradsAt(scratch: usize, Cin: i32, Cout: i32, Lout: i32, ld: i32): usize {
  return inputsAt(scratch, Cin, Cout) + <usize>(Lout / BLOCK) * <usize>(2 * TERMS * Cin) * (<usize>ld << 2);
}

// @ts-ignore: decorator
@inline function workAt(scratch: usize, Cin: i32, Cout: i32, Lout: i32, ld: i32): usize {
  return gradsAt(scratch, Cin, Cout, Lout, ld) + <usize>(Lout / BLOCK) * <usize>(4 * Cout) * (<usize>ld << 2);
}

/** The row of zeros; the row for discarded sums follows it. */
// @ts-ignore: decorator
@inline function zerosAt(scratch: usize, Cin: i32, Cout: i32, Lout: i32, ld: i32): usize {
  return workAt(scratch, Cin, Cout, Lout, ld) + <usize>(TERMS * max(Cin, Cout)) * (<usize>ld << 2);
}

/**
 * Row u of a (C, L, ld) tensor, or the stand-in row (zeros to read, or a row that
 * takes discarded sums) when it lies outside.
 */
// @ts-ignore: decorator
@inline function rowAt(base: usize, u: i32, L: i32, row: usize, standIn: usize): usize {
  return u >= 0 && u < L ? base + <usize>u * row : standIn;
}

/** The channel stride of a row from rowAt: 0 for the stand-in row (one row serves every channel). */
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
 * y[r] = [relu](b + sum_k AT[r][k] M_k) for r < 5 (AT[r][k] = p_k^r, infinity only in
 * r = 4): M_k row c at m + k*kStride + c*row, y[r] row c written at y + r*row + c*yc;
 * b: C floats or 0.
 */
function outputTransform(C: i32, ld: i32, m: usize, kStride: usize, y: usize, yc: usize, b: usize, relu: bool): void {
  const row = <usize>ld << 2;
  const two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8), sixteen = f32x4.splat(16);
  for (let c = 0; c < C; c++) {
    const p = m + <usize>c * row, q = y + <usize>c * yc;
    const bias = b ? v128.load32_splat(b + (<usize>c << 2)) : f32x4.splat(0);
    for (let o: usize = 0; o < row; o += 16) {
      const m1 = v128.load(p + kStride + o), m2 = v128.load(p + 2 * kStride + o);
      const m3 = v128.load(p + 3 * kStride + o), m4 = v128.load(p + 4 * kStride + o);
      const s1 = f32x4.add(m1, m2), d1 = f32x4.sub(m1, m2), s2 = f32x4.add(m3, m4), d2 = f32x4.sub(m3, m4);
      const e1 = f32x4.add(s1, bias), f1 = f32x4.add(d1, bias);
      v128.store(q + o, reluIf(f32x4.add(f32x4.add(v128.load(p + o), e1), s2), relu));
      v128.store(q + row + o, reluIf(f32x4.add(f1, f32x4.mul(two, d2)), relu));
      v128.store(q + 2 * row + o, reluIf(f32x4.add(e1, f32x4.mul(four, s2)), relu));
      v128.store(q + 3 * row + o, reluIf(f32x4.add(f1, f32x4.mul(eight, d2)), relu));
      v128.store(q + 4 * row + o, reluIf(f32x4.add(f32x4.add(e1, f32x4.mul(sixteen, s2)), v128.load(p + 5 * kStride + o)), relu));
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
  const filters = scratch, inputs = inputsAt(scratch, Cin, Cout);
  const work = workAt(scratch, Cin, Cout, Lout, ld), zeros = zerosAt(scratch, Cin, Cout, Lout, ld);
  memory.fill(zeros, 0, row);
  transformFilters(Cin, Cout, W, filters);
  const filter = <usize>(2 * Cout * Cin) << 2, fRow = <usize>(2 * Cin) << 2;
  const dStride = <usize>(2 * Cin) * row, odd = <usize>Cin * row; // per k: even rows, then odd rows
  const mStride = <usize>Cout * row;
  const blocks = Lout / BLOCK;
  for (let bl = 0; bl < blocks; bl++) {
    const t0 = bl * BLOCK;
    const d = inputs + <usize>bl * TERMS * dStride;
    // inputs: rows 2t0 - 2 + 2i (even) and 2t0 - 1 + 2i (odd), i = 0..5; only the first
    // and the last may lie outside x (the even first has weight 0: zeros will do)
    const lastEven = rowAt(x, 2 * t0 + 8, Lin, row, zeros);
    inputTransform(Cin, ld, zeros, 0, x + <usize>(2 * t0) * row, 2 * row, xc,
      lastEven, edgeStride(lastEven, xc, zeros), d, dStride);
    const first = rowAt(x, 2 * t0 - 1, Lin, row, zeros), last = rowAt(x, 2 * t0 + 9, Lin, row, zeros);
    inputTransform(Cin, ld, first, edgeStride(first, xc, zeros), x + <usize>(2 * t0 + 1) * row, 2 * row, xc,
      last, edgeStride(last, xc, zeros), d + odd, dStride);
    // M_0 = G_0 (odd D_0); M_k = F_k [even D_k; odd D_k]
    gemmNN(Cout, ld, 1, Cin, filters + (<usize>Cin << 2), fRow, 0, 4, d + odd, 0, row, work, row, 0, 0);
    for (let k = 1; k < TERMS; k++) {
      gemmNN(Cout, ld, 1, 2 * Cin, filters + <usize>k * filter, fRow, 0, 4,
        d + <usize>k * dStride, 0, row, work + <usize>k * mStride, row, 0, 0);
    }
    outputTransform(Cout, ld, work, mStride, y + <usize>t0 * row, yc, b, relu);
  }
  const wWide = <usize>(3 * Cin) << 2; // W row stride (per output channel)
  for (let t = blocks * BLOCK; t < Lout; t++) {
    // directly: taps j with 2t + j - 1 inside x
    const taps = min(3, Lin - (2 * t - 1));
    gemmNN(Cout, ld, Cin, taps, W, wWide, 12, 4, x + <usize>(2 * t - 1) * row, xc, row, y + <usize>t * row, yc, b, relu ? GEMM_RELU : 0);
  }
}

/**
 * F_k (Cout, 2 Cin) = [GW1[k] W1 | GW0[k] W0 + GW1[k] W2] for the 6 points (Wj = W[:, :, j];
 * F_0's first half, 0 x W1, is not written: no GEMM reads it).
 */
function transformFilters(Cin: i32, Cout: i32, W: usize, filters: usize): void {
  const filter = <usize>(2 * Cout * Cin) << 2;
  const whole = Cin & ~3;
  for (let o = 0; o < Cout; o++) {
    const w = W + (<usize>(3 * o * Cin) << 2), f = filters + (<usize>(2 * o * Cin) << 2);
    const half = <usize>Cin << 2;
    for (let c = 0; c < whole; c += 4) {
      // 4 channels' taps, interleaved (w0 w1 w2) x 4, into one vector per tap
      const v0 = v128.load(w + (<usize>(3 * c) << 2)), v1 = v128.load(w + (<usize>(3 * c) << 2), 16), v2 = v128.load(w + (<usize>(3 * c) << 2), 32);
      const w0 = f32x4.shuffle(f32x4.shuffle(v0, v1, 0, 3, 6, 7), v2, 0, 1, 2, 5);
      const w1 = f32x4.shuffle(f32x4.shuffle(v0, v1, 1, 4, 7, 7), v2, 0, 1, 2, 6);
      const w2 = f32x4.shuffle(f32x4.shuffle(v0, v1, 2, 5, 5, 5), v2, 0, 1, 4, 7);
      const at = f + (<usize>c << 2);
      for (let k = 0; k < TERMS; k++) {
        const g0 = f32x4.splat(unchecked(GW0[k])), g1 = f32x4.splat(unchecked(GW1[k]));
        const fk = at + <usize>k * filter;
        if (k > 0) v128.store(fk, f32x4.mul(g1, w1));
        v128.store(fk + half, f32x4.add(f32x4.mul(g0, w0), f32x4.mul(g1, w2)));
      }
    }
    for (let c = whole; c < Cin; c++) {
      const w0 = load<f32>(w + (<usize>(3 * c) << 2)), w1 = load<f32>(w + (<usize>(3 * c) << 2), 4), w2 = load<f32>(w + (<usize>(3 * c) << 2), 8);
      const at = f + (<usize>c << 2);
      for (let k = 0; k < TERMS; k++) {
        const fk = at + <usize>k * filter;
        if (k > 0) store<f32>(fk, unchecked(GW1[k]) * w1);
        store<f32>(fk + half, unchecked(GW0[k]) * w0 + unchecked(GW1[k]) * w2);
      }
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
  const products = productsAt(scratch, Cin, Cout), inputs = inputsAt(scratch, Cin, Cout), grads = gradsAt(scratch, Cin, Cout, Lout, ld);
  const kv = ld >> 2;
  const wc = <usize>(3 * Cin) << 2; // dW row stride
  const blocks = Lout / BLOCK;
  const gStride = <usize>Cout * row, gBlock = <usize>4 * gStride;
  for (let bl = 0; bl < blocks; bl++) {
    gradTransform(Cout, ld, dy + <usize>(bl * BLOCK) * row, yc, grads + <usize>bl * gBlock, gStride);
  }
  const product = <usize>(Cout * Cin) << 2, dStride = <usize>(2 * Cin) * row, odd = <usize>Cin * row;
  const blockRow = <usize>BLOCK * row;
  for (let k = 0; k < TERMS; k++) {
    // T_0 = dy[t0] and T_5 = dy[t0 + 4] in place; T_1..T_4 from gradTransform
    const a = k == 0 ? dy : k == TERMS - 1 ? dy + 4 * row : grads + <usize>(k - 1) * gStride;
    const ai = k == 0 || k == TERMS - 1 ? yc : row;
    const ak1 = k == 0 || k == TERMS - 1 ? blockRow : gBlock;
    // with the forward pass's odd D_k rows
    gemmNT(Cout, Cin, blocks, kv, a, ai, ak1, inputs + <usize>k * dStride + odd, row, <usize>TERMS * dStride, products + <usize>k * product, <usize>Cin << 2, 4);
  }
  combineProducts(Cin, Cout, products, dW);
  gemmNT(Cout, Cin, Lout, kv, dy, yc, row, x, xc, 2 * row, dW + 4, wc, 12); // dW1 over the 0s
  for (let t = blocks * BLOCK; t < Lout; t++) {
    const g = dy + <usize>t * row;
    gemmNT(Cout, Cin, 1, kv, g, yc, 0, x + <usize>(2 * t - 1) * row, xc, 0, dW, wc, 12, GEMM_ACC);
    if (2 * t + 1 < Lin) gemmNT(Cout, Cin, 1, kv, g, yc, 0, x + <usize>(2 * t + 1) * row, xc, 0, dW + 8, wc, 12, GEMM_ACC);
  }
}

/** dW[:, :, 0] = sum_k GW0[k] P_k, dW[:, :, 2] = sum_k GW1[k] P_k and dW[:, :, 1] = 0 (overwritten). */
function combineProducts(Cin: i32, Cout: i32, products: usize, dW: usize): void {
  const n = Cout * Cin;
  const product = <usize>n << 2;
  const whole = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < whole; i += 4) {
    const at = products + (<usize>i << 2);
    let w0 = zero, w2 = zero;
    for (let k = 0; k < TERMS; k++) {
      const p = v128.load(at + <usize>k * product);
      w0 = f32x4.add(w0, f32x4.mul(f32x4.splat(unchecked(GW0[k])), p));
      w2 = f32x4.add(w2, f32x4.mul(f32x4.splat(unchecked(GW1[k])), p));
    }
    // interleave 4 x (w0, 0, w2) into 3 vectors
    const lo = f32x4.shuffle(w0, w2, 0, 4, 1, 5), hi = f32x4.shuffle(w0, w2, 2, 6, 3, 7);
    const out = dW + (<usize>(3 * i) << 2);
    v128.store(out, f32x4.shuffle(lo, zero, 0, 4, 1, 2));
    v128.store(out, f32x4.shuffle(f32x4.shuffle(lo, hi, 3, 4, 3, 4), zero, 4, 0, 1, 4), 16);
    v128.store(out, f32x4.shuffle(hi, zero, 1, 2, 4, 3), 32);
  }
  for (let i = whole; i < n; i++) {
    const at = products + (<usize>i << 2);
    let w0: f32 = 0, w2: f32 = 0;
    for (let k = 0; k < TERMS; k++) {
      const p = load<f32>(at + <usize>k * product);
      w0 += unchecked(GW0[k]) * p;
      w2 += unchecked(GW1[k]) * p;
    }
    const out = dW + (<usize>(3 * i) << 2);
    store<f32>(out, w0);
    store<f32>(out, 0, 4);
    store<f32>(out, w2, 8);
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
  const filters = scratch, grads = gradsAt(scratch, Cin, Cout, Lout, ld), work = workAt(scratch, Cin, Cout, Lout, ld);
  const discard = zerosAt(scratch, Cin, Cout, Lout, ld) + row;
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
  const filter = <usize>(2 * Cout * Cin) << 2, nStride = <usize>Cin * row;
  const gStride = <usize>Cout * row, gBlock = <usize>4 * gStride;
  const blocks = Lout / BLOCK;
  for (let bl = 0; bl < blocks; bl++) {
    const t0 = bl * BLOCK;
    for (let k = 0; k < TERMS; k++) {
      const g = k == 0 ? dy + <usize>t0 * row : k == TERMS - 1 ? dy + <usize>(t0 + 4) * row : grads + <usize>bl * gBlock + <usize>(k - 1) * gStride;
      const gc = k == 0 || k == TERMS - 1 ? yc : row;
      // N_k (Cin, ld) = G_kᵀ T_k: A(c, o) = G_k[o][c]
      gemmNN(Cin, ld, 1, Cout, filters + <usize>k * filter + (<usize>Cin << 2), 4, 0, <usize>(2 * Cin) << 2, g, 0, gc, work + <usize>k * nStride, row, 0, 0);
    }
    const first = rowAt(dx, 2 * t0 - 1, Lin, row, discard), last = rowAt(dx, 2 * t0 + 9, Lin, row, discard);
    inputGradTransform(Cin, ld, work, nStride, first, edgeStride(first, xc, discard),
      dx + <usize>(2 * t0 + 1) * row, 2 * row, xc, last, edgeStride(last, xc, discard));
  }
  for (let t = blocks * BLOCK; t < Lout; t++) {
    // W0ᵀ dy[t] into dx[2t - 1], W2ᵀ dy[t] into dx[2t + 1] (when inside)
    const g = dy + <usize>t * row;
    gemmNN(Cin, ld, 1, Cout, W, 12, 0, wT, g, 0, yc, dx + <usize>(2 * t - 1) * row, xc, 0, GEMM_ACC);
    if (2 * t + 1 < Lin) gemmNN(Cin, ld, 1, Cout, W + 8, 12, 0, wT, g, 0, yc, dx + <usize>(2 * t + 1) * row, xc, 0, GEMM_ACC);
  }
}

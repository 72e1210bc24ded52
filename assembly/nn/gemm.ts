// The GEMM micro-kernels (f32x4 register tiles), shared by dense and conv1d.
// All pointers and strides are in BYTES; strides may be any value (even negative,
// wrapping in usize arithmetic) except where a row must be contiguous.
//
// gemmNN — outer-product form:
//   C[i, j] = (C[i, j] if ACC) + bias[i] + sum_{k1<K1, k2<K2} A(i, k1, k2) * B(k1, k2)[j]
//   A(i, k1, k2) at a + i*ai + k1*ak1 + k2*ak2   (read by splat loads: any layout)
//   B row (k1, k2) at b + k1*bk1 + k2*bk2, contiguous over j
//   C row i at c + i*ldc, contiguous over j;  N must be a multiple of 4.
//   RELU applies max(., 0) after bias (and after ACC).
//   Tiles: 4x8 (8 f32x4 accumulators; per k 2 loads of B, 4 splat loads of A, 8 mul +
//   8 add: the measured peak shape), 3x8 for the last rows so that M = 4a + 3b needs
//   no partial tile, 2x12 for the last 12 columns when N % 8 == 4, 4x4 when N == 4.
//
// gemmNT — dot-product form (both operands contiguous along k):
//   C(i, j) = sum_{k1<K1} dot(A row (i, k1), B row (j, k1)), rows of 4*KV contiguous floats
//   A row (i, k1) at a + i*ai + k1*ak1;  B row (j, k1) at b + j*bj + k1*bk1
//   C(i, j) at c + i*ci + j*cj, overwritten (or added to with ACC).
//   Tiles: 2x4 (8 accumulators; per 4 k: 2 loads of A, 4 of B), a lone last column
//   or two as 4x1 tiles.
// Inner loops walk one pointer per row of A (and of B in gemmNT) rather than base +
// offset: V8 then keeps the loop in registers (with base + offset it spilled and
// recomputed addresses per k; docs/kernels.md has the GFLOP/s).
// Edge tiles clamp their row/column pointers to the last valid one and store only the
// valid part. Every gemmNN tile sums over k in the same order, so a result never depends
// on which tile computed it (a row's logits do not depend on the batch around it).

export const GEMM_ACC: i32 = 1;
export const GEMM_RELU: i32 = 2;

// @ts-ignore: decorator
@inline function rowOffset(r: i32, rows: i32, stride: usize): usize {
  return <usize>(r < rows ? r : rows - 1) * stride;
}

/**
 * max(v, 0) exactly as f32x4.max computes it (NaN stays NaN, -0 becomes +0), in 2
 * instructions: V8 spells f32x4.max out in 8 on x64, f32x4.pmax (v < 0 ? 0 : v) in 1.
 */
// @ts-ignore: decorator
@inline export function relu(v: v128): v128 {
  const zero = f32x4.splat(0);
  return f32x4.add(f32x4.pmax(v, zero), zero);
}

/** relu(v) when `on`, else v. */
// @ts-ignore: decorator
@inline export function reluIf(v: v128, on: bool): v128 {
  return on ? relu(v) : v;
}

// @ts-ignore: decorator
@inline export function epilogue(v: v128, c: usize, biasPtr: usize, flags: i32): v128 {
  if (biasPtr) v = f32x4.add(v, v128.load32_splat(biasPtr));
  if (flags & GEMM_ACC) v = f32x4.add(v, v128.load(c));
  if (flags & GEMM_RELU) v = relu(v);
  return v;
}

/** One 4x8 tile of gemmNN; `rows` (1..4) rows of C are valid. Inlined: saves a call per tile. */
// @ts-ignore: decorator
@inline function tileNN8(
  rows: i32, K1: i32, K2: i32,
  a: usize, ai: usize, ak1: usize, ak2: usize,
  b: usize, bk1: usize, bk2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  const o1 = rowOffset(1, rows, ai), o2 = rowOffset(2, rows, ai), o3 = rowOffset(3, rows, ai);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    // one pointer per row of A: fewer live values in the loop than base + offsets
    let p0 = a + <usize>k1 * ak1;
    let p1 = p0 + o1, p2 = p0 + o2, p3 = p0 + o3;
    let pb = b + <usize>k1 * bk1;
    for (let k2 = 0; k2 < K2; k2++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const a0 = v128.load32_splat(p0);
      const a1 = v128.load32_splat(p1);
      const a2 = v128.load32_splat(p2);
      const a3 = v128.load32_splat(p3);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      c20 = f32x4.add(c20, f32x4.mul(a2, b0));
      c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      c30 = f32x4.add(c30, f32x4.mul(a3, b0));
      c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      p0 += ak2; p1 += ak2; p2 += ak2; p3 += ak2;
      pb += bk2;
    }
  }
  const b0p = bias, b1p = bias ? bias + 4 : 0, b2p = bias ? bias + 8 : 0, b3p = bias ? bias + 12 : 0;
  v128.store(c, epilogue(c00, c, b0p, flags));
  v128.store(c, epilogue(c01, c + 16, b0p, flags), 16);
  if (rows > 1) {
    const r = c + ldc;
    v128.store(r, epilogue(c10, r, b1p, flags));
    v128.store(r, epilogue(c11, r + 16, b1p, flags), 16);
  }
  if (rows > 2) {
    const r = c + 2 * ldc;
    v128.store(r, epilogue(c20, r, b2p, flags));
    v128.store(r, epilogue(c21, r + 16, b2p, flags), 16);
  }
  if (rows > 3) {
    const r = c + 3 * ldc;
    v128.store(r, epilogue(c30, r, b3p, flags));
    v128.store(r, epilogue(c31, r + 16, b3p, flags), 16);
  }
}

/** A 3x8 tile of gemmNN (6 accumulators; still throughput-bound): lets M = 4a + 3b use no partial tile. */
function tileNN8x3(
  K1: i32, K2: i32,
  a: usize, ai: usize, ak1: usize, ak2: usize,
  b: usize, bk1: usize, bk2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  const o2 = ai << 1;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0), c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    let p0 = a + <usize>k1 * ak1;
    let p1 = p0 + ai, p2 = p0 + o2;
    let pb = b + <usize>k1 * bk1;
    for (let k2 = 0; k2 < K2; k2++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const a0 = v128.load32_splat(p0);
      const a1 = v128.load32_splat(p1);
      const a2 = v128.load32_splat(p2);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      c20 = f32x4.add(c20, f32x4.mul(a2, b0));
      c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      p0 += ak2; p1 += ak2; p2 += ak2;
      pb += bk2;
    }
  }
  const b1p = bias ? bias + 4 : 0, b2p = bias ? bias + 8 : 0;
  v128.store(c, epilogue(c00, c, bias, flags));
  v128.store(c, epilogue(c01, c + 16, bias, flags), 16);
  const r1 = c + ldc;
  v128.store(r1, epilogue(c10, r1, b1p, flags));
  v128.store(r1, epilogue(c11, r1 + 16, b1p, flags), 16);
  const r2 = c + 2 * ldc;
  v128.store(r2, epilogue(c20, r2, b2p, flags));
  v128.store(r2, epilogue(c21, r2 + 16, b2p, flags), 16);
}

/**
 * The 4x4 tile of gemmNN, for N == 4 only (a batch of at most 4). Like every tile it
 * sums over k in order, so a column's result never depends on the tile shape.
 */
function tileNN4(
  rows: i32, K1: i32, K2: i32,
  a: usize, ai: usize, ak1: usize, ak2: usize,
  b: usize, bk1: usize, bk2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  const o1 = rowOffset(1, rows, ai), o2 = rowOffset(2, rows, ai), o3 = rowOffset(3, rows, ai);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    let p0 = a + <usize>k1 * ak1;
    let p1 = p0 + o1, p2 = p0 + o2, p3 = p0 + o3;
    let pb = b + <usize>k1 * bk1;
    for (let k2 = 0; k2 < K2; k2++) {
      const b0 = v128.load(pb);
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(p0), b0));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(p1), b0));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(p2), b0));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(p3), b0));
      p0 += ak2; p1 += ak2; p2 += ak2; p3 += ak2;
      pb += bk2;
    }
  }
  v128.store(c, epilogue(c0, c, bias, flags));
  if (rows > 1) v128.store(c + ldc, epilogue(c1, c + ldc, bias ? bias + 4 : 0, flags));
  if (rows > 2) v128.store(c + 2 * ldc, epilogue(c2, c + 2 * ldc, bias ? bias + 8 : 0, flags));
  if (rows > 3) v128.store(c + 3 * ldc, epilogue(c3, c + 3 * ldc, bias ? bias + 12 : 0, flags));
}

/**
 * A 2x12 tile of gemmNN (6 accumulators, 3 loads of B and 2 splats per k): the last
 * 12 columns when N % 8 == 4, so that such N needs no narrow, latency-bound tile.
 * `rows` (1..2) rows are valid.
 */
function tileNN12(
  rows: i32, K1: i32, K2: i32,
  a: usize, ai: usize, ak1: usize, ak2: usize,
  b: usize, bk1: usize, bk2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  const o1 = rowOffset(1, rows, ai);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    let p0 = a + <usize>k1 * ak1;
    let p1 = p0 + o1;
    let pb = b + <usize>k1 * bk1;
    for (let k2 = 0; k2 < K2; k2++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const b2 = v128.load(pb, 32);
      const a0 = v128.load32_splat(p0);
      const a1 = v128.load32_splat(p1);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      c02 = f32x4.add(c02, f32x4.mul(a0, b2));
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      c12 = f32x4.add(c12, f32x4.mul(a1, b2));
      p0 += ak2; p1 += ak2;
      pb += bk2;
    }
  }
  v128.store(c, epilogue(c00, c, bias, flags));
  v128.store(c, epilogue(c01, c + 16, bias, flags), 16);
  v128.store(c, epilogue(c02, c + 32, bias, flags), 32);
  if (rows > 1) {
    const r = c + ldc, b1p = bias ? bias + 4 : 0;
    v128.store(r, epilogue(c10, r, b1p, flags));
    v128.store(r, epilogue(c11, r + 16, b1p, flags), 16);
    v128.store(r, epilogue(c12, r + 32, b1p, flags), 32);
  }
}

/**
 * C (M x N) = [C +] bias + A·B, see the header. `bias` is 0 or M contiguous floats.
 * Rows go in tiles of 4, the last ones in tiles of 3 so that M = 4a + 3b needs no
 * partial tile (only M = 1, 2, 5 leave one).
 */
export function gemmNN(
  M: i32, N: i32, K1: i32, K2: i32,
  a: usize, ai: usize, ak1: usize, ak2: usize,
  b: usize, bk1: usize, bk2: usize,
  c: usize, ldc: usize, bias: usize, flags: i32,
): void {
  // 8-column tiles, then the remainder: 4 columns alone (N == 4) or the last 12 as 2x12 tiles
  const wide = N & 4 && N > 4 ? N - 12 : N & ~7;
  let threes = (4 - (M & 3)) & 3; // 3-row tiles: 0, 3, 2, 1 for M % 4 = 0, 1, 2, 3
  if (threes * 3 > M) threes = 0;
  const fours = M - threes * 3;
  for (let i = 0; i < M; ) {
    const rows = i < fours ? min(4, fours - i) : 3;
    const ai0 = a + <usize>i * ai;
    const ci0 = c + <usize>i * ldc;
    const bi = bias ? bias + (<usize>i << 2) : 0;
    for (let j = 0; j < wide; j += 8) {
      const bj = b + (<usize>j << 2), cj = ci0 + (<usize>j << 2);
      if (rows == 3 && i >= fours) tileNN8x3(K1, K2, ai0, ai, ak1, ak2, bj, bk1, bk2, cj, ldc, bi, flags);
      else tileNN8(rows, K1, K2, ai0, ai, ak1, ak2, bj, bk1, bk2, cj, ldc, bi, flags);
    }
    const bt = b + (<usize>wide << 2), ct = ci0 + (<usize>wide << 2);
    if (N == 4) {
      tileNN4(rows, K1, K2, ai0, ai, ak1, ak2, bt, bk1, bk2, ct, ldc, bi, flags);
    } else if (wide < N) {
      tileNN12(min(2, rows), K1, K2, ai0, ai, ak1, ak2, bt, bk1, bk2, ct, ldc, bi, flags);
      if (rows > 2) {
        tileNN12(rows - 2, K1, K2, ai0 + 2 * ai, ai, ak1, ak2, bt, bk1, bk2, ct + 2 * ldc, ldc, bi ? bi + 8 : 0, flags);
      }
    }
    i += rows;
  }
}

// @ts-ignore: decorator
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  // [sum a, sum b, sum c, sum d]
  const ab = f32x4.add(f32x4.shuffle(a, b, 0, 1, 4, 5), f32x4.shuffle(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(f32x4.shuffle(c, d, 0, 1, 4, 5), f32x4.shuffle(c, d, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(ab, cd, 0, 2, 4, 6), f32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline function storeRow(v: v128, c: usize, cj: usize, cols: i32, acc: bool): void {
  if (cols == 4 && cj == 4) {
    v128.store(c, acc ? f32x4.add(v, v128.load(c)) : v);
    return;
  }
  store<f32>(c, f32x4.extract_lane(v, 0) + (acc ? load<f32>(c) : 0));
  if (cols > 1) store<f32>(c + cj, f32x4.extract_lane(v, 1) + (acc ? load<f32>(c + cj) : 0));
  if (cols > 2) store<f32>(c + 2 * cj, f32x4.extract_lane(v, 2) + (acc ? load<f32>(c + 2 * cj) : 0));
  if (cols > 3) store<f32>(c + 3 * cj, f32x4.extract_lane(v, 3) + (acc ? load<f32>(c + 3 * cj) : 0));
}

/** One 2x4 tile of gemmNT; `rows` (1..2) and `cols` (1..4) are valid. */
function tileNT(
  rows: i32, cols: i32, K1: i32, KV: i32,
  a: usize, ai: usize, ak1: usize,
  b: usize, bj: usize, bk1: usize,
  c: usize, ci: usize, cj: usize, acc: bool,
): void {
  const a1 = rowOffset(1, rows, ai);
  const o1 = rowOffset(1, cols, bj), o2 = rowOffset(2, cols, bj), o3 = rowOffset(3, cols, bj);
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    // one pointer per row, all advancing together
    let pa = a + <usize>k1 * ak1, pa1 = pa + a1;
    let pb = b + <usize>k1 * bk1, pb1 = pb + o1, pb2 = pb + o2, pb3 = pb + o3;
    const end = pa + (<usize>KV << 4);
    while (pa < end) {
      const x0 = v128.load(pa);
      const x1 = v128.load(pa1);
      const y0 = v128.load(pb);
      const y1 = v128.load(pb1);
      const y2 = v128.load(pb2);
      const y3 = v128.load(pb3);
      s00 = f32x4.add(s00, f32x4.mul(x0, y0));
      s01 = f32x4.add(s01, f32x4.mul(x0, y1));
      s02 = f32x4.add(s02, f32x4.mul(x0, y2));
      s03 = f32x4.add(s03, f32x4.mul(x0, y3));
      s10 = f32x4.add(s10, f32x4.mul(x1, y0));
      s11 = f32x4.add(s11, f32x4.mul(x1, y1));
      s12 = f32x4.add(s12, f32x4.mul(x1, y2));
      s13 = f32x4.add(s13, f32x4.mul(x1, y3));
      pa += 16; pa1 += 16;
      pb += 16; pb1 += 16; pb2 += 16; pb3 += 16;
    }
  }
  storeRow(hsum4(s00, s01, s02, s03), c, cj, cols, acc);
  if (rows > 1) storeRow(hsum4(s10, s11, s12, s13), c + ci, cj, cols, acc);
}

/**
 * One 4x1 tile of gemmNT (a lone column): 4 rows (`rows` valid) against one B row,
 * with separate accumulators for even and odd vectors.
 */
function tileNT4x1(
  rows: i32, K1: i32, KV: i32,
  a: usize, ai: usize, ak1: usize,
  b: usize, bk1: usize,
  c: usize, ci: usize, acc: bool,
): void {
  const o1 = rowOffset(1, rows, ai), o2 = rowOffset(2, rows, ai), o3 = rowOffset(3, rows, ai);
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let t0 = f32x4.splat(0), t1 = f32x4.splat(0), t2 = f32x4.splat(0), t3 = f32x4.splat(0);
  for (let k1 = 0; k1 < K1; k1++) {
    let pa = a + <usize>k1 * ak1, pa1 = pa + o1, pa2 = pa + o2, pa3 = pa + o3;
    let pb = b + <usize>k1 * bk1;
    const end = pa + (<usize>(KV & ~1) << 4);
    while (pa < end) {
      const y0 = v128.load(pb);
      const y1 = v128.load(pb, 16);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(pa), y0));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(pa1), y0));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(pa2), y0));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(pa3), y0));
      t0 = f32x4.add(t0, f32x4.mul(v128.load(pa, 16), y1));
      t1 = f32x4.add(t1, f32x4.mul(v128.load(pa1, 16), y1));
      t2 = f32x4.add(t2, f32x4.mul(v128.load(pa2, 16), y1));
      t3 = f32x4.add(t3, f32x4.mul(v128.load(pa3, 16), y1));
      pa += 32; pa1 += 32; pa2 += 32; pa3 += 32;
      pb += 32;
    }
    if (KV & 1) {
      const y0 = v128.load(pb);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(pa), y0));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(pa1), y0));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(pa2), y0));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(pa3), y0));
    }
  }
  // lane r of the sum = row r
  const v = hsum4(f32x4.add(s0, t0), f32x4.add(s1, t1), f32x4.add(s2, t2), f32x4.add(s3, t3));
  storeRow(v, c, ci, rows, acc);
}

/**
 * C(i, j) = [C(i, j) +] sum over k of A(i, .)·B(j, .), M x N outputs, see the header
 * (flags: GEMM_ACC or 0). Columns go in 2x4 tiles; when one or two columns remain
 * they go one at a time in 4x1 tiles.
 */
export function gemmNT(
  M: i32, N: i32, K1: i32, KV: i32,
  a: usize, ai: usize, ak1: usize,
  b: usize, bj: usize, bk1: usize,
  c: usize, ci: usize, cj: usize, flags: i32 = 0,
): void {
  const acc = (flags & GEMM_ACC) != 0;
  const rest = N & 3;
  const wide = rest == 3 ? N : N - rest; // columns done by 2x4 tiles (a last tile of 3 stays efficient enough)
  for (let i = 0; i < M; i += 2) {
    const rows = min(2, M - i);
    for (let j = 0; j < wide; j += 4) {
      tileNT(rows, min(4, wide - j), K1, KV,
        a + <usize>i * ai, ai, ak1,
        b + <usize>j * bj, bj, bk1,
        c + <usize>i * ci + <usize>j * cj, ci, cj, acc);
    }
  }
  for (let j = wide; j < N; j++) {
    for (let i = 0; i < M; i += 4) {
      tileNT4x1(min(4, M - i), K1, KV, a + <usize>i * ai, ai, ak1, b + <usize>j * bj, bk1, c + <usize>i * ci + <usize>j * cj, ci, acc);
    }
  }
}

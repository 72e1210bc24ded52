// A dense layer whose weights are mostly pruned (lottery tickets): the kernels skip
// the masked weights. Same shapes as dense.ts: x (IN, ld), y (OUT, ld), W (OUT, IN).
//
// The pattern of the unmasked weights is built once per mask (buildPattern), in i32s:
//   rowStart (OUT + 1), colStart (IN + 1), cols (nnz: column of each entry, by row),
//   rows (nnz: row of each entry, by column); indices ascending within a row / column.
// Because each output still sums its terms in the dense GEMM's order and a skipped
// term is an exact zero (w = ±0), the forward pass and the input gradient are bit
// for bit those of the dense kernels. The weight gradient is a dot product per kept
// weight (summed in SIMD lanes, so it rounds differently from the dense GEMM) and is
// 0 at masked weights. Cost per kept weight is close to the dense GEMM's per weight.
import { epilogue, GEMM_ACC, GEMM_RELU, hsum4 } from "./gemm";

/** i32 words a pattern of an (OUT x IN) weight matrix needs at most. */
export function patternWords(IN: i32, OUT: i32): i32 {
  return OUT + 1 + IN + 1 + 2 * IN * OUT;
}

/**
 * Writes the pattern of the nonzero entries of mask (OUT x IN floats) to `pattern`;
 * returns the number of kept weights.
 */
export function buildPattern(IN: i32, OUT: i32, mask: usize, pattern: usize): i32 {
  const rowStart = pattern, colStart = rowStart + (<usize>(OUT + 1) << 2);
  const cols = colStart + (<usize>(IN + 1) << 2);
  let nnz = 0;
  memory.fill(colStart, 0, <usize>(IN + 1) << 2);
  for (let o = 0; o < OUT; o++) {
    store<i32>(rowStart + (<usize>o << 2), nnz);
    for (let i = 0; i < IN; i++) {
      if (load<f32>(mask + (<usize>(o * IN + i) << 2)) == 0) continue;
      store<i32>(cols + (<usize>nnz << 2), i);
      nnz++;
      const count = colStart + (<usize>(i + 1) << 2);
      store<i32>(count, load<i32>(count) + 1);
    }
  }
  store<i32>(rowStart + (<usize>OUT << 2), nnz);
  for (let i = 0; i < IN; i++) {
    const at = colStart + (<usize>(i + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4)); // counts -> starts
  }
  // rows by column: walking the rows in order keeps each column's list ascending
  const rows = cols + (<usize>nnz << 2);
  for (let o = 0; o < OUT; o++) {
    const end = load<i32>(rowStart + (<usize>(o + 1) << 2));
    for (let e = load<i32>(rowStart + (<usize>o << 2)); e < end; e++) {
      const i = load<i32>(cols + (<usize>e << 2));
      const fill = colStart + (<usize>i << 2);
      store<i32>(rows + (<usize>load<i32>(fill) << 2), o);
      store<i32>(fill, load<i32>(fill) + 1);
    }
  }
  // the fill pointers now hold each column's end: shift them back to starts
  for (let i = IN; i > 0; i--) store<i32>(colStart + (<usize>i << 2), load<i32>(colStart + (<usize>(i - 1) << 2)));
  store<i32>(colStart, 0);
  return nnz;
}

/**
 * 8 vectors (32 batch columns) of one output row: dst[v] = epilogue(sum over the list
 * of w(k) * src row k [v]) for v in [skip, 8), where k runs over the i32 list [p, end),
 * w(k) is at wBase + k * wStride and src row k at src + k * srcRow.
 */
// @ts-ignore: decorator
@inline function rowTile8(
  p: usize, end: usize, wBase: usize, wStride: usize, src: usize, srcRow: usize,
  dst: usize, bias: usize, flags: i32, skip: i32,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  for (; p < end; p += 4) {
    const k = <usize>load<i32>(p);
    const w = v128.load32_splat(wBase + k * wStride);
    const s = src + k * srcRow;
    c0 = f32x4.add(c0, f32x4.mul(w, v128.load(s)));
    c1 = f32x4.add(c1, f32x4.mul(w, v128.load(s, 16)));
    c2 = f32x4.add(c2, f32x4.mul(w, v128.load(s, 32)));
    c3 = f32x4.add(c3, f32x4.mul(w, v128.load(s, 48)));
    c4 = f32x4.add(c4, f32x4.mul(w, v128.load(s, 64)));
    c5 = f32x4.add(c5, f32x4.mul(w, v128.load(s, 80)));
    c6 = f32x4.add(c6, f32x4.mul(w, v128.load(s, 96)));
    c7 = f32x4.add(c7, f32x4.mul(w, v128.load(s, 112)));
  }
  if (skip < 1) v128.store(dst, epilogue(c0, dst, bias, flags));
  if (skip < 2) v128.store(dst + 16, epilogue(c1, dst + 16, bias, flags));
  if (skip < 3) v128.store(dst + 32, epilogue(c2, dst + 32, bias, flags));
  if (skip < 4) v128.store(dst + 48, epilogue(c3, dst + 48, bias, flags));
  if (skip < 5) v128.store(dst + 64, epilogue(c4, dst + 64, bias, flags));
  if (skip < 6) v128.store(dst + 80, epilogue(c5, dst + 80, bias, flags));
  if (skip < 7) v128.store(dst + 96, epilogue(c6, dst + 96, bias, flags));
  v128.store(dst + 112, epilogue(c7, dst + 112, bias, flags));
}

/** One vector (4 batch columns) of one output row, as rowTile8: for batches under 32. */
function rowTile1(p: usize, end: usize, wBase: usize, wStride: usize, src: usize, srcRow: usize, dst: usize, bias: usize, flags: i32): void {
  let c = f32x4.splat(0);
  for (; p < end; p += 4) {
    const k = <usize>load<i32>(p);
    c = f32x4.add(c, f32x4.mul(v128.load32_splat(wBase + k * wStride), v128.load(src + k * srcRow)));
  }
  v128.store(dst, epilogue(c, dst, bias, flags));
}

/**
 * For each of `n` output rows r: dst row r (ld floats) = epilogue(sum over the list
 * [start[r], start[r + 1]) of w(k) * src row k), in 32-column tiles; when ld is not a
 * multiple of 32 the last tile overlaps the previous one and stores only its new part.
 */
function sparseRows(
  n: i32, ld: i32, starts: usize, list: usize,
  wBase: usize, wRowStride: usize, wStride: usize, src: usize,
  dst: usize, bias: usize, flags: i32,
): void {
  const row = <usize>ld << 2;
  const nvec = ld >> 2;
  for (let r = 0; r < n; r++) {
    const p = list + (<usize>load<i32>(starts + (<usize>r << 2)) << 2);
    const end = list + (<usize>load<i32>(starts + (<usize>(r + 1) << 2)) << 2);
    const w = wBase + <usize>r * wRowStride;
    const out = dst + <usize>r * row;
    const b = bias ? bias + (<usize>r << 2) : 0;
    if (nvec < 8) {
      for (let v = 0; v < nvec; v++) rowTile1(p, end, w, wStride, src + (<usize>v << 4), row, out + (<usize>v << 4), b, flags);
      continue;
    }
    for (let v = 0; v < nvec; v += 8) {
      const at = min(v, nvec - 8);
      rowTile8(p, end, w, wStride, src + (<usize>at << 4), row, out + (<usize>at << 4), b, flags, v - at);
    }
  }
}

/** y (OUT, ld) = [relu](W·x + b) over the pattern's weights: equal to denseForward's. */
export function sparseForward(IN: i32, OUT: i32, ld: i32, pattern: usize, x: usize, W: usize, b: usize, y: usize, relu: bool): void {
  const cols = pattern + (<usize>(OUT + 1 + IN + 1) << 2);
  sparseRows(OUT, ld, pattern, cols, W, <usize>IN << 2, 4, x, y, b, relu ? GEMM_RELU : 0);
}

/** dx (IN, ld) (+)= Wᵀ·dy over the pattern's weights: equal to the dense kernels' dx. */
export function sparseBackwardInput(IN: i32, OUT: i32, ld: i32, pattern: usize, W: usize, dy: usize, dx: usize, accumulate: bool): void {
  const colStart = pattern + (<usize>(OUT + 1) << 2);
  const nnz = load<i32>(pattern + (<usize>OUT << 2));
  const rows = colStart + (<usize>(IN + 1 + nnz) << 2);
  sparseRows(IN, ld, colStart, rows, W, 4, <usize>IN << 2, dy, dx, 0, accumulate ? GEMM_ACC : 0);
}

/**
 * dW (OUT, IN) = dy·xᵀ at the pattern's weights, 0 elsewhere: per row of dy, four kept
 * weights at a time, each a dot product over the batch with two accumulators.
 */
export function sparseWeightGrad(IN: i32, OUT: i32, ld: i32, pattern: usize, x: usize, dy: usize, dW: usize): void {
  memory.fill(dW, 0, <usize>(IN * OUT) << 2);
  const row = <usize>ld << 2;
  const pairs = <usize>(ld >> 3) << 5; // bytes covered by whole pairs of vectors
  const odd = (ld & 4) != 0;
  const cols = pattern + (<usize>(OUT + 1 + IN + 1) << 2);
  for (let o = 0; o < OUT; o++) {
    const first = load<i32>(pattern + (<usize>o << 2)), last = load<i32>(pattern + (<usize>(o + 1) << 2));
    const d = dy + <usize>o * row;
    const out = dW + (<usize>(o * IN) << 2);
    for (let e = first; e < last; e += 4) {
      const n = min(4, last - e);
      // column pointers, the missing ones clamped to the last kept weight
      const i0 = load<i32>(cols + (<usize>e << 2));
      const i1 = load<i32>(cols + (<usize>(e + min(1, n - 1)) << 2));
      const i2 = load<i32>(cols + (<usize>(e + min(2, n - 1)) << 2));
      const i3 = load<i32>(cols + (<usize>(e + min(3, n - 1)) << 2));
      let p0 = x + <usize>i0 * row, p1 = x + <usize>i1 * row, p2 = x + <usize>i2 * row, p3 = x + <usize>i3 * row;
      let s0 = f32x4.splat(0), t0 = f32x4.splat(0), s1 = f32x4.splat(0), t1 = f32x4.splat(0);
      let s2 = f32x4.splat(0), t2 = f32x4.splat(0), s3 = f32x4.splat(0), t3 = f32x4.splat(0);
      let pd = d;
      const stop = d + pairs;
      while (pd < stop) {
        const a = v128.load(pd), b = v128.load(pd, 16);
        s0 = f32x4.add(s0, f32x4.mul(a, v128.load(p0)));
        t0 = f32x4.add(t0, f32x4.mul(b, v128.load(p0, 16)));
        s1 = f32x4.add(s1, f32x4.mul(a, v128.load(p1)));
        t1 = f32x4.add(t1, f32x4.mul(b, v128.load(p1, 16)));
        s2 = f32x4.add(s2, f32x4.mul(a, v128.load(p2)));
        t2 = f32x4.add(t2, f32x4.mul(b, v128.load(p2, 16)));
        s3 = f32x4.add(s3, f32x4.mul(a, v128.load(p3)));
        t3 = f32x4.add(t3, f32x4.mul(b, v128.load(p3, 16)));
        pd += 32; p0 += 32; p1 += 32; p2 += 32; p3 += 32;
      }
      if (odd) {
        const a = v128.load(pd);
        s0 = f32x4.add(s0, f32x4.mul(a, v128.load(p0)));
        s1 = f32x4.add(s1, f32x4.mul(a, v128.load(p1)));
        s2 = f32x4.add(s2, f32x4.mul(a, v128.load(p2)));
        s3 = f32x4.add(s3, f32x4.mul(a, v128.load(p3)));
      }
      const sums = hsum4(f32x4.add(s0, t0), f32x4.add(s1, t1), f32x4.add(s2, t2), f32x4.add(s3, t3));
      store<f32>(out + (<usize>i0 << 2), f32x4.extract_lane(sums, 0));
      if (n > 1) store<f32>(out + (<usize>i1 << 2), f32x4.extract_lane(sums, 1));
      if (n > 2) store<f32>(out + (<usize>i2 << 2), f32x4.extract_lane(sums, 2));
      if (n > 3) store<f32>(out + (<usize>i3 << 2), f32x4.extract_lane(sums, 3));
    }
  }
}

// A dense layer whose weights are mostly pruned (lottery tickets): the kernels skip
// the masked weights. Same shapes as dense.ts: x (IN, ld), y (OUT, ld), W (OUT, IN).
//
// The pattern of the unmasked weights is built once per mask (buildPattern), in i32s:
//   rowStart (OUT + 1), colStart (IN + 1), cols (nnz: column of each entry, by row),
//   rows (nnz: row of each entry, by column); indices ascending within a row / column;
// then room for the kept weights' values by row and by column (f32, nnz each),
// gathered from W by the forward pass and by the input gradient; then OUT i32 of
// scratch (the weight gradient's row cursors).
// Because each output still sums its terms in the dense GEMM's order and a skipped
// term is an exact zero (w = ±0), the forward pass and the input gradient are bit
// for bit those of the dense kernels. The weight gradient is a dot product per kept
// weight (summed in SIMD lanes, so it rounds differently from the dense GEMM) and is
// 0 at masked weights. Without the dense tiles' register reuse a kept weight costs
// more than a dense one (`npm run bench`, sparse section): the trainer switches to
// these kernels below a density of SPARSE_MAX_DENSITY (src/train/trainer.ts).
import { epilogue, GEMM_ACC, GEMM_RELU, hsum4 } from "./gemm";

/** i32 words a pattern of an (OUT x IN) weight matrix needs at most. */
export function patternWords(IN: i32, OUT: i32): i32 {
  return colsAt(IN, OUT) + 4 * IN * OUT + OUT; // + the weight gradient's row cursors
}

/**
 * Writes the pattern of the nonzero entries of mask (OUT x IN floats) to `pattern`;
 * returns the number of kept weights.
 */
export function buildPattern(IN: i32, OUT: i32, mask: usize, pattern: usize): i32 {
  const rowStart = pattern, colStart = pattern + (<usize>colStartAt(OUT) << 2);
  const cols = pattern + (<usize>colsAt(IN, OUT) << 2);
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

/** i32 word offsets of the parts of a pattern of nnz kept weights. */
// @ts-ignore: decorator
@inline function colStartAt(OUT: i32): i32 { return OUT + 1; }
// @ts-ignore: decorator
@inline function colsAt(IN: i32, OUT: i32): i32 { return OUT + 1 + IN + 1; }

/**
 * Five vectors (20 batch columns) of one row: dst[v] = epilogue(sum over e in [p, end)
 * of value(e) * src row list[e] [v]) for v in [skip, 5), terms in list order;
 * value(e) is at the list entry's address + delta. Five sums keep every value in a
 * register (V8 spills with more); a call of its own keeps the loop's registers clean.
 */
function rowTile5(p: usize, end: usize, delta: usize, src: usize, row: usize, dst: usize, bias: usize, flags: i32, skip: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0), c4 = f32x4.splat(0);
  for (; p < end; p += 4) {
    const w = v128.load32_splat(p + delta);
    const s = src + <usize>load<i32>(p) * row;
    c0 = f32x4.add(c0, f32x4.mul(w, v128.load(s)));
    c1 = f32x4.add(c1, f32x4.mul(w, v128.load(s, 16)));
    c2 = f32x4.add(c2, f32x4.mul(w, v128.load(s, 32)));
    c3 = f32x4.add(c3, f32x4.mul(w, v128.load(s, 48)));
    c4 = f32x4.add(c4, f32x4.mul(w, v128.load(s, 64)));
  }
  if (skip < 1) v128.store(dst, epilogue(c0, dst, bias, flags));
  if (skip < 2) v128.store(dst + 16, epilogue(c1, dst + 16, bias, flags));
  if (skip < 3) v128.store(dst + 32, epilogue(c2, dst + 32, bias, flags));
  if (skip < 4) v128.store(dst + 48, epilogue(c3, dst + 48, bias, flags));
  v128.store(dst + 64, epilogue(c4, dst + 64, bias, flags));
}

/** One vector (4 batch columns) of one row, as rowTile5: for batches under 20. */
function rowTile1(p: usize, end: usize, delta: usize, src: usize, row: usize, dst: usize, bias: usize, flags: i32): void {
  let c = f32x4.splat(0);
  for (; p < end; p += 4) c = f32x4.add(c, f32x4.mul(v128.load32_splat(p + delta), v128.load(src + <usize>load<i32>(p) * row)));
  v128.store(dst, epilogue(c, dst, bias, flags));
}

/** Address of row r's first list entry. */
// @ts-ignore: decorator
@inline function listAt(list: usize, starts: usize, r: i32): usize {
  return list + (<usize>load<i32>(starts + (<usize>r << 2)) << 2);
}

/**
 * For each of `n` rows r: dst row r (ld floats) = epilogue(sum over e in [start[r],
 * start[r + 1]) of values[e] * src row list[e]), terms in list order. The batch goes
 * in 20-column slices, outermost, so that a slice of the src rows stays in cache
 * while all rows use it; when ld is not a multiple of 20 the last slice overlaps the
 * one before and stores only its new part.
 */
function sparseRows(n: i32, ld: i32, starts: usize, list: usize, values: usize, src: usize, dst: usize, bias: usize, flags: i32): void {
  const row = <usize>ld << 2;
  const nvec = ld >> 2;
  const delta = values - list;
  if (nvec < 5) {
    for (let r = 0; r < n; r++) {
      const out = dst + <usize>r * row, b = bias ? bias + (<usize>r << 2) : 0;
      for (let u = 0; u < nvec; u++) rowTile1(listAt(list, starts, r), listAt(list, starts, r + 1), delta, src + (<usize>u << 4), row, out + (<usize>u << 4), b, flags);
    }
    return;
  }
  for (let v = 0; v < nvec; v += 5) {
    const at = min(v, nvec - 5);
    const col = <usize>at << 4;
    for (let r = 0; r < n; r++) {
      rowTile5(listAt(list, starts, r), listAt(list, starts, r + 1), delta, src + col, row,
        dst + <usize>r * row + col, bias ? bias + (<usize>r << 2) : 0, flags, v - at);
    }
  }
}

/** Copies the kept weights of W (OUT, IN), row by row in pattern order, to `values`. */
function gatherByRow(IN: i32, OUT: i32, pattern: usize, cols: usize, W: usize, values: usize): void {
  for (let o = 0; o < OUT; o++) {
    const w = W + (<usize>(o * IN) << 2);
    const end = load<i32>(pattern + (<usize>(o + 1) << 2));
    for (let e = load<i32>(pattern + (<usize>o << 2)); e < end; e++) {
      store<f32>(values + (<usize>e << 2), load<f32>(w + (<usize>load<i32>(cols + (<usize>e << 2)) << 2)));
    }
  }
}

/** Copies the kept weights of W (OUT, IN), column by column in pattern order, to `values`. */
function gatherByColumn(IN: i32, OUT: i32, colStart: usize, rows: usize, W: usize, values: usize): void {
  for (let i = 0; i < IN; i++) {
    const w = W + (<usize>i << 2);
    const end = load<i32>(colStart + (<usize>(i + 1) << 2));
    for (let e = load<i32>(colStart + (<usize>i << 2)); e < end; e++) {
      store<f32>(values + (<usize>e << 2), load<f32>(w + (<usize>(load<i32>(rows + (<usize>e << 2)) * IN) << 2)));
    }
  }
}

/** y (OUT, ld) = [relu](W·x + b) over the pattern's weights: equal to denseForward's. */
export function sparseForward(IN: i32, OUT: i32, ld: i32, pattern: usize, x: usize, W: usize, b: usize, y: usize, relu: bool): void {
  const nnz = load<i32>(pattern + (<usize>OUT << 2));
  const cols = pattern + (<usize>colsAt(IN, OUT) << 2);
  const byRow = cols + (<usize>(2 * nnz) << 2);
  gatherByRow(IN, OUT, pattern, cols, W, byRow);
  sparseRows(OUT, ld, pattern, cols, byRow, x, y, b, relu ? GEMM_RELU : 0);
}

/** dx (IN, ld) (+)= Wᵀ·dy over the pattern's weights: equal to the dense kernels' dx. */
export function sparseBackwardInput(IN: i32, OUT: i32, ld: i32, pattern: usize, W: usize, dy: usize, dx: usize, accumulate: bool): void {
  const nnz = load<i32>(pattern + (<usize>OUT << 2));
  const colStart = pattern + (<usize>colStartAt(OUT) << 2);
  const rows = pattern + (<usize>(colsAt(IN, OUT) + nnz) << 2);
  const byCol = rows + (<usize>(2 * nnz) << 2);
  gatherByColumn(IN, OUT, colStart, rows, W, byCol);
  sparseRows(IN, ld, colStart, rows, byCol, dy, dx, 0, accumulate ? GEMM_ACC : 0);
}

/** Bytes of x rows the weight gradient keeps in L1 at a time. */
const L1_BLOCK: i32 = 24 << 10;

/**
 * dW (OUT, IN) = dy·xᵀ at the pattern's weights, 0 elsewhere: each kept weight's dot
 * product over the batch, six kept weights of a row at a time. The input rows go in
 * blocks that fit L1, each row of dy then taking its kept weights inside the block
 * (the pattern's rows are sorted by column; a cursor per row remembers where it is).
 */
export function sparseWeightGrad(IN: i32, OUT: i32, ld: i32, pattern: usize, x: usize, dy: usize, dW: usize): void {
  const cursor = pattern + (<usize>(patternWords(IN, OUT) - OUT) << 2);
  memory.fill(dW, 0, <usize>(IN * OUT) << 2);
  memory.copy(cursor, pattern, <usize>OUT << 2);
  const row = <usize>ld << 2;
  const cols = pattern + (<usize>colsAt(IN, OUT) << 2);
  const block = max(4, L1_BLOCK / (ld << 2));
  for (let i0 = 0; i0 < IN; i0 += block) {
    const i1 = i0 + block;
    for (let o = 0; o < OUT; o++) {
      const first = load<i32>(cursor + (<usize>o << 2)), last = load<i32>(pattern + (<usize>(o + 1) << 2));
      let end = first;
      while (end < last && load<i32>(cols + (<usize>end << 2)) < i1) end++;
      store<i32>(cursor + (<usize>o << 2), end);
      dotRows(first, end, cols, dy + <usize>o * row, x, ld, dW + (<usize>(o * IN) << 2));
    }
  }
}

/** Column of entry e + k of a group of n entries, the missing ones clamped to the last. */
// @ts-ignore: decorator
@inline function colOf(cols: usize, e: i32, k: i32, n: i32): usize {
  return <usize>load<i32>(cols + (<usize>(e + min(k, n - 1)) << 2));
}

/**
 * out[cols[e]] = dot(d, x row cols[e]) (ld floats) for e in [first, end), six at a
 * time, one accumulator each (more values than that spill in V8).
 */
function dotRows(first: i32, end: i32, cols: usize, d: usize, x: usize, ld: i32, out: usize): void {
  const row = <usize>ld << 2;
  for (let e = first; e < end; e += 6) {
    const n = min(6, end - e);
    const i0 = colOf(cols, e, 0, n), i1 = colOf(cols, e, 1, n), i2 = colOf(cols, e, 2, n);
    const i3 = colOf(cols, e, 3, n), i4 = colOf(cols, e, 4, n), i5 = colOf(cols, e, 5, n);
    let p0 = x + i0 * row, p1 = x + i1 * row, p2 = x + i2 * row, p3 = x + i3 * row, p4 = x + i4 * row, p5 = x + i5 * row;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0), s4 = f32x4.splat(0), s5 = f32x4.splat(0);
    let pd = d;
    const stop = d + row;
    while (pd < stop) {
      const a = v128.load(pd);
      s0 = f32x4.add(s0, f32x4.mul(a, v128.load(p0)));
      s1 = f32x4.add(s1, f32x4.mul(a, v128.load(p1)));
      s2 = f32x4.add(s2, f32x4.mul(a, v128.load(p2)));
      s3 = f32x4.add(s3, f32x4.mul(a, v128.load(p3)));
      s4 = f32x4.add(s4, f32x4.mul(a, v128.load(p4)));
      s5 = f32x4.add(s5, f32x4.mul(a, v128.load(p5)));
      pd += 16; p0 += 16; p1 += 16; p2 += 16; p3 += 16; p4 += 16; p5 += 16;
    }
    const first4 = hsum4(s0, s1, s2, s3), last2 = hsum4(s4, s5, s5, s5);
    store<f32>(out + (i0 << 2), f32x4.extract_lane(first4, 0));
    if (n > 1) store<f32>(out + (i1 << 2), f32x4.extract_lane(first4, 1));
    if (n > 2) store<f32>(out + (i2 << 2), f32x4.extract_lane(first4, 2));
    if (n > 3) store<f32>(out + (i3 << 2), f32x4.extract_lane(first4, 3));
    if (n > 4) store<f32>(out + (i4 << 2), f32x4.extract_lane(last2, 0));
    if (n > 5) store<f32>(out + (i5 << 2), f32x4.extract_lane(last2, 1));
  }
}

// dst (cols, rows) = transpose of src (rows, cols), both row-major f32: 4x4 blocks
// through f32x4 shuffles, scalar loops for the edges when a size is not a multiple of 4.

export function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  transposeStrided(rows, cols, src, <usize>cols << 2, dst, <usize>rows << 2);
}

/**
 * dst[c][r] = src[r][c] for r < rows, c < cols, with any row strides (bytes), so it also serves
 * sub-matrices, e.g. one direction's (B, H) slice of a GRU output row.
 */
export function transposeStrided(rows: i32, cols: i32, src: usize, srcRow: usize, dst: usize, dstRow: usize): void {
  const r4 = rows & ~3, c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    for (let c = 0; c < c4; c += 4) {
      const s = src + <usize>r * srcRow + (<usize>c << 2);
      const a = v128.load(s), b = v128.load(s + srcRow), e = v128.load(s + 2 * srcRow), f = v128.load(s + 3 * srcRow);
      const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ef0 = f32x4.shuffle(e, f, 0, 4, 1, 5), ef1 = f32x4.shuffle(e, f, 2, 6, 3, 7);
      const d = dst + <usize>c * dstRow + (<usize>r << 2);
      v128.store(d, f32x4.shuffle(ab0, ef0, 0, 1, 4, 5));
      v128.store(d + dstRow, f32x4.shuffle(ab0, ef0, 2, 3, 6, 7));
      v128.store(d + 2 * dstRow, f32x4.shuffle(ab1, ef1, 0, 1, 4, 5));
      v128.store(d + 3 * dstRow, f32x4.shuffle(ab1, ef1, 2, 3, 6, 7));
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = r < r4 ? c4 : 0; c < cols; c++) {
      store<f32>(dst + <usize>c * dstRow + (<usize>r << 2), load<f32>(src + <usize>r * srcRow + (<usize>c << 2)));
    }
  }
}

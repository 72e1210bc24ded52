// A piecewise-linear activation applied elementwise to n contiguous floats x (n a
// multiple of 4), as the meta-learning notebook's fit of its learned function
// (get_approx_afun): S segments split at S-1 increasing breakpoints, segment k being
// a_k x + c_k. `table` holds the breakpoints, then the S pairs (a_k, c_k):
//   table[0..S-1) = breaks,  table[S-1 + 2k] = a_k,  table[S + 2k] = c_k
// x belongs to segment k = the number of breakpoints <= x. f' = a_k, f'' = 0.

/** y = f(x), d1 = f'(x) and, when d2 != 0, d2 = f''(x) = 0. */
export function piecewiseActivationForward(n: i32, x: usize, y: usize, d1: usize, d2: usize, S: i32, table: usize): void {
  const bytes = <usize>n << 2;
  const pairs = table + (<usize>(S - 1) << 2);
  for (let o: usize = 0; o < bytes; o += 16) {
    const v = v128.load(x + o);
    let slope = v128.load32_splat(pairs);
    let intercept = v128.load32_splat(pairs + 4);
    for (let k = 1; k < S; k++) {
      const past = f32x4.ge(v, v128.load32_splat(table + (<usize>(k - 1) << 2)));
      slope = v128.bitselect(v128.load32_splat(pairs + (<usize>(2 * k) << 2)), slope, past);
      intercept = v128.bitselect(v128.load32_splat(pairs + (<usize>(2 * k + 1) << 2)), intercept, past);
    }
    v128.store(y + o, f32x4.add(f32x4.mul(slope, v), intercept));
    v128.store(d1 + o, slope);
    if (d2) v128.store(d2 + o, f32x4.splat(0));
  }
}

// Window-2, stride-2 pooling over batch-innermost activations, as PyTorch's
// max_pool1d(2), avg_pool1d(2) and lp_pool1d(norm 2, 2):
//   x (C, Lin, ld) -> y (C, Lin / 2 (floor), ld);  y[c, t, :] = f(x[c, 2t, :], x[c, 2t+1, :])
// max: gradient to the first arg-max on ties; avg: half to each; l2: sqrt(a² + b²) with
// gradient d·a/y, and 0 where both inputs are 0 (as PyTorch). An odd last input
// position is dropped (its gradient is 0). The function codes (POOLING_*) are declared in
// assembly/abi/plan.ts.
import { POOLING_AVG, POOLING_MAX } from "../abi/plan";

export function poolForward(kind: i32, C: i32, Lin: i32, ld: i32, x: usize, y: usize): void {
  const Lout = Lin >> 1;
  const row = <usize>ld << 2;
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < Lout; t++) {
      const pa = x + <usize>(c * Lin + 2 * t) * row;
      const py = y + <usize>(c * Lout + t) * row;
      for (let o: usize = 0; o < row; o += 16) {
        const a = v128.load(pa + o);
        const b = v128.load(pa + row + o);
        let v: v128;
        if (kind == POOLING_MAX) v = f32x4.max(a, b);
        else if (kind == POOLING_AVG) v = f32x4.mul(f32x4.add(a, b), f32x4.splat(0.5));
        else v = f32x4.sqrt(f32x4.add(f32x4.mul(a, a), f32x4.mul(b, b)));
        v128.store(py + o, v);
      }
    }
  }
}

/** dx (=, or += with accumulate) from dy; x and y as stored by poolForward. */
export function poolBackward(kind: i32, C: i32, Lin: i32, ld: i32, x: usize, y: usize, dy: usize, dx: usize, accumulate: bool): void {
  const Lout = Lin >> 1;
  const row = <usize>ld << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < Lout; t++) {
      const pa = x + <usize>(c * Lin + 2 * t) * row;
      const pdx = dx + <usize>(c * Lin + 2 * t) * row;
      const pyo = <usize>(c * Lout + t) * row;
      for (let o: usize = 0; o < row; o += 16) {
        const d = v128.load(dy + pyo + o);
        let da: v128, db: v128;
        if (kind == POOLING_MAX) {
          const first = f32x4.ge(v128.load(pa + o), v128.load(pa + row + o));
          da = v128.and(d, first);
          db = v128.andnot(d, first);
        } else if (kind == POOLING_AVG) {
          da = db = f32x4.mul(d, f32x4.splat(0.5));
        } else {
          const yv = v128.load(y + pyo + o);
          const g = v128.and(f32x4.div(d, yv), f32x4.gt(yv, zero)); // 0 where y == 0
          da = f32x4.mul(g, v128.load(pa + o));
          db = f32x4.mul(g, v128.load(pa + row + o));
        }
        if (accumulate) {
          da = f32x4.add(da, v128.load(pdx + o));
          db = f32x4.add(db, v128.load(pdx + row + o));
        }
        v128.store(pdx + o, da);
        v128.store(pdx + row + o, db);
      }
    }
    if ((Lin & 1) && !accumulate) memory.fill(dx + <usize>(c * Lin + Lin - 1) * row, 0, row);
  }
}

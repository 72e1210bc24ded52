// The residual sum (OP_ADD): out = in + in2; backward passes dOut on to both inputs.
import { ADD_DIN2, ADD_FEATURES, ADD_IN2, FLAG_ACC, FLAG_ACC2, OP_DIN, OP_DOUT, OP_IN, OP_OUT } from "../abi/plan";
import { addr, hasFlag, word } from "./record";

export function addOpForward(op: usize, ld: i32): void {
  const n = <usize>(word(op, ADD_FEATURES) * ld) << 2;
  const a = addr(op, OP_IN), b = addr(op, ADD_IN2), out = addr(op, OP_OUT);
  for (let o: usize = 0; o < n; o += 16) v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
}

export function addOpBackward(op: usize, ld: i32): void {
  const n = word(op, ADD_FEATURES) * ld;
  const dIn = addr(op, OP_DIN), dIn2 = addr(op, ADD_DIN2);
  if (dIn) passGradient(n, addr(op, OP_DOUT), dIn, hasFlag(op, FLAG_ACC));
  if (dIn2) passGradient(n, addr(op, OP_DOUT), dIn2, hasFlag(op, FLAG_ACC2));
}

/** dst (=, or += with accumulate) src over n floats. */
function passGradient(n: i32, src: usize, dst: usize, accumulate: bool): void {
  const bytes = <usize>n << 2;
  if (!accumulate) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
}

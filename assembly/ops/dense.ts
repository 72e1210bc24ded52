// The dense op (OP_DENSE): plan fields -> nn/dense.ts kernels (sparse ones when a pattern is set).
import { DENSE_IN, DENSE_OUT, DENSE_PATTERN, DENSE_XT, FLAG_ACC, FLAG_RELU, OP_DIN, OP_DOUT, OP_DW, OP_IN, OP_OUT, OP_W } from "../abi/plan";
import { denseBackward, denseForward } from "../nn/dense";
import { addr, hasFlag, word } from "./record";

export function denseOpForward(op: usize, ld: i32): void {
  const IN = word(op, DENSE_IN), OUT = word(op, DENSE_OUT);
  const W = addr(op, OP_W);
  denseForward(IN, OUT, ld, addr(op, OP_IN), W, W + (<usize>(IN * OUT) << 2), addr(op, OP_OUT), hasFlag(op, FLAG_RELU), addr(op, DENSE_PATTERN));
}

export function denseOpBackward(op: usize, ld: i32): void {
  const IN = word(op, DENSE_IN), OUT = word(op, DENSE_OUT);
  const dW = addr(op, OP_DW);
  denseBackward(IN, OUT, ld, addr(op, OP_IN), addr(op, OP_W), addr(op, OP_OUT), addr(op, OP_DOUT), dW, dW + (<usize>(IN * OUT) << 2),
    addr(op, OP_DIN), hasFlag(op, FLAG_RELU), hasFlag(op, FLAG_ACC), addr(op, DENSE_XT), addr(op, DENSE_PATTERN));
}

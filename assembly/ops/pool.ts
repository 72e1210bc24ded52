// The pooling op (OP_POOL): plan fields -> nn/pool.ts kernels.
import { FLAG_ACC, OP_DIN, OP_DOUT, OP_IN, OP_OUT, POOL_CHANNELS, POOL_FN, POOL_LIN } from "../abi/plan";
import { poolBackward, poolForward } from "../nn/pool";
import { addr, hasFlag, word } from "./record";

export function poolOpForward(op: usize, ld: i32): void {
  poolForward(word(op, POOL_FN), word(op, POOL_CHANNELS), word(op, POOL_LIN), ld, addr(op, OP_IN), addr(op, OP_OUT));
}

export function poolOpBackward(op: usize, ld: i32): void {
  const dIn = addr(op, OP_DIN);
  if (dIn) poolBackward(word(op, POOL_FN), word(op, POOL_CHANNELS), word(op, POOL_LIN), ld, addr(op, OP_IN), addr(op, OP_OUT), addr(op, OP_DOUT), dIn, hasFlag(op, FLAG_ACC));
}

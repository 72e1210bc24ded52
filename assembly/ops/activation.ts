// The activation op (OP_ACT): plan fields -> nn/activation.ts kernels.
import { ACT_FEATURES, ACT_FN, FLAG_ACC, OP_DIN, OP_DOUT, OP_IN, OP_OUT } from "../abi/plan";
import { activationBackward, activationForward } from "../nn/activation";
import { addr, hasFlag, word } from "./record";

export function activationOpForward(op: usize, ld: i32): void {
  activationForward(word(op, ACT_FN), word(op, ACT_FEATURES) * ld, addr(op, OP_IN), addr(op, OP_OUT));
}

export function activationOpBackward(op: usize, ld: i32): void {
  const dIn = addr(op, OP_DIN);
  if (dIn) activationBackward(word(op, ACT_FN), word(op, ACT_FEATURES) * ld, addr(op, OP_IN), addr(op, OP_OUT), addr(op, OP_DOUT), dIn, hasFlag(op, FLAG_ACC));
}

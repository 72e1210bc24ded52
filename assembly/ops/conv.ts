// The conv1d op (OP_CONV): plan fields -> nn/conv1d.ts kernels (Winograd's when its scratch is set).
import {
  CONV_CIN, CONV_COUT, CONV_K, CONV_LIN, CONV_LOUT, CONV_PADDING, CONV_STRIDE, CONV_WINOGRAD,
  FLAG_ACC, FLAG_RELU, OP_DIN, OP_DOUT, OP_DW, OP_IN, OP_OUT, OP_W,
} from "../abi/plan";
import { conv1dBackward, conv1dForward } from "../nn/conv1d";
import { addr, hasFlag, word } from "./record";

export function convOpForward(op: usize, ld: i32): void {
  const Cin = word(op, CONV_CIN), Cout = word(op, CONV_COUT), K = word(op, CONV_K);
  const W = addr(op, OP_W);
  conv1dForward(Cin, word(op, CONV_LIN), Cout, word(op, CONV_LOUT), K, word(op, CONV_STRIDE), word(op, CONV_PADDING), ld,
    addr(op, OP_IN), W, W + (<usize>(Cout * Cin * K) << 2), addr(op, OP_OUT), hasFlag(op, FLAG_RELU), addr(op, CONV_WINOGRAD));
}

export function convOpBackward(op: usize, ld: i32): void {
  const Cin = word(op, CONV_CIN), Cout = word(op, CONV_COUT), K = word(op, CONV_K);
  const dW = addr(op, OP_DW);
  conv1dBackward(Cin, word(op, CONV_LIN), Cout, word(op, CONV_LOUT), K, word(op, CONV_STRIDE), word(op, CONV_PADDING), ld,
    addr(op, OP_IN), addr(op, OP_W), addr(op, OP_OUT), addr(op, OP_DOUT), dW, dW + (<usize>(Cout * Cin * K) << 2), addr(op, OP_DIN),
    hasFlag(op, FLAG_RELU), hasFlag(op, FLAG_ACC), addr(op, CONV_WINOGRAD));
}

// The GRU op (OP_GRU): plan fields -> nn/gru.ts kernels, which work batch-major, so
// x and the output (or its gradient) are staged through transposes.
import { GRU_D, GRU_H, GRU_T, GRU_WORKSPACE, GRU_X, GRU_Y, OP_DOUT, OP_DW, OP_IN, OP_OUT, OP_W } from "../abi/plan";
import { gruBackward, gruForward } from "../nn/gru";
import { transpose } from "../nn/transpose";
import { addr, word } from "./record";

export function gruOpForward(op: usize, ld: i32): void {
  const T = word(op, GRU_T), H = word(op, GRU_H), D = word(op, GRU_D);
  transpose(T, ld, addr(op, OP_IN), addr(op, GRU_X));
  gruForward(ld, T, H, D, addr(op, GRU_X), addr(op, OP_W), addr(op, GRU_Y), addr(op, GRU_WORKSPACE));
  transpose(ld, T * D * H, addr(op, GRU_Y), addr(op, OP_OUT));
}

export function gruOpBackward(op: usize, ld: i32): void {
  const T = word(op, GRU_T), H = word(op, GRU_H), D = word(op, GRU_D);
  memory.fill(addr(op, OP_DW), 0, <usize>(D * 3 * H * (H + 3)) << 2); // gruBackward accumulates
  transpose(T * D * H, ld, addr(op, OP_DOUT), addr(op, GRU_Y));
  gruBackward(ld, T, H, D, addr(op, GRU_X), addr(op, OP_W), addr(op, GRU_Y), addr(op, OP_DW), addr(op, GRU_WORKSPACE));
}

// Reading an op record of the plan (assembly/abi/plan.ts): integer fields, byte
// addresses and flag bits, by the field names declared there.
import { OP_FLAGS } from "../abi/plan";

// @ts-ignore: decorator
@inline export function word(op: usize, w: i32): i32 {
  return load<i32>(op + (<usize>w << 2));
}

// @ts-ignore: decorator
@inline export function addr(op: usize, w: i32): usize {
  return <usize>load<i32>(op + (<usize>w << 2));
}

// @ts-ignore: decorator
@inline export function hasFlag(op: usize, flag: i32): bool {
  return (load<i32>(op + (<usize>OP_FLAGS << 2)) & flag) != 0;
}

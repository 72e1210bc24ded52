// Element access into raw f64 / i32 buffers (byte pointers into the wasm heap).

// @ts-ignore: decorator
@inline export function getF64(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline export function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline export function getI32(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

/** A buffer of n f64 values (uninitialised: the heap is reused after each reset). */
export function allocF64(n: i32): usize {
  return heap.alloc(<usize>n << 3);
}

/** A buffer of n i32 values (uninitialised). */
export function allocI32(n: i32): usize {
  return heap.alloc(<usize>n << 2);
}

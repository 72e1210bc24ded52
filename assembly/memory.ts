// Host-side allocation for the stub runtime: JS allocates input/output buffers
// here and views them as typed arrays (re-create views after any call that may
// grow memory). heap.alloc aligns to 16 bytes, as SIMD loads want.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees everything at once (the stub runtime never frees single blocks). */
export function resetHeap(): void {
  heap.reset();
}

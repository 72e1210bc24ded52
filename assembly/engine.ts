// The training engine module (float32, SIMD): kernels, models, whole runs.
export { alloc, resetHeap } from "./memory";

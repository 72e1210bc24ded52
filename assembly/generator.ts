// The dataset generator module (float64), see ../shared/spec/GENERATOR.md.
export { alloc, resetHeap } from "./memory";

// The training engine module (float32, SIMD): kernels, models, whole runs.
export { alloc, resetHeap } from "./memory";
export { gruForward, gruBackward, gruWorkspaceFloats } from "./nn/gru";
export { evaluate, forwardInput, gradientsInput, resetBatches, resetOptimizer, trainSteps } from "./train";
export { initUniform } from "./nn/init";
export { buildPattern, patternWords } from "./nn/sparse";
export { winogradScratchFloats } from "./nn/conv-winograd";
export { seededPermutation } from "./rng";

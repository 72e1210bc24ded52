// The training engine module (float32, SIMD): kernels, models, whole runs.
export { alloc, resetHeap } from "./memory";
export { gruForward, gruBackward, gruWorkspaceFloats } from "./nn/gru";
export { evaluate, forwardInput, lossAndGradients, optimizerStep, resetBatches, resetOptimizer, trainSteps } from "./train";
// The plan, run-state and meta tables, as wasm globals: test/abi.test.ts compares them with the TypeScript side.
export * from "./abi/plan";
export * from "./abi/state";
export * from "./abi/meta";
export { initUniform } from "./nn/init";
export { buildPattern, patternWords } from "./nn/sparse";
export { winogradScratchFloats } from "./nn/conv-winograd";
export { seededPermutation } from "./rng";
export { metaAccuracy, metaActivation, metaGradientLr, metaGradientTheta, metaParamCount, metaProblem, metaTrain } from "./meta";

// The training engine module (float32, SIMD): kernels, models, whole runs.
export { alloc, resetHeap } from "./memory";
export { gruForward, gruBackward, gruWorkspaceFloats } from "./nn/gru";
export { evaluate, forwardInput, gradientsInput, resetBatches, resetOptimizer, trainSteps } from "./train";
export { initUniform } from "./nn/init";
export { buildPattern, patternWords } from "./nn/sparse";
export { winogradScratchFloats } from "./nn/conv-winograd";
export { META_ACT_LEARNED, META_OPT_RMSPROP, META_OPT_SGD, metaGradientLr, metaGradientTheta, metaParamCount, metaProblem } from "./meta";
import { gemmNN } from "./nn/gemm";
import { MT19937 } from "./rng";

/**
 * Times the GEMM micro-kernel: reps times C (m x n) = A (m x k) · B (k x n) on
 * scratch buffers (n a multiple of 4), freed again before returning.
 */
export function benchGemm(m: i32, n: i32, k: i32, reps: i32): void {
  const block = heap.alloc(<usize>(m * k + k * n + m * n) << 2);
  const a = block, b = a + (<usize>(m * k) << 2), c = b + (<usize>(k * n) << 2);
  for (let i = 0; i < m * k; i++) store<f32>(a + (<usize>i << 2), <f32>(i % 7) * 0.25);
  for (let i = 0; i < k * n; i++) store<f32>(b + (<usize>i << 2), <f32>(i % 5) * 0.5);
  for (let r = 0; r < reps; r++) gemmNN(m, n, 1, k, a, <usize>k << 2, 0, 4, b, 0, <usize>n << 2, c, <usize>n << 2, 0, 0);
  heap.free(block);
}

/** numpy's np.random.seed(seed); np.random.permutation(n), written to out[0..n) as i32. */
export function seededPermutation(out: usize, n: i32, seed: u32): void {
  new MT19937(seed).permutation(out, n);
}

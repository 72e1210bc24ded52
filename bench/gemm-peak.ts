// The machine's limit for our kernels: GFLOP/s of the engine's SIMD GEMM
// micro-kernel, timed through the `benchGemm(m, n, k, reps)` export of the
// benchmarks' own module (build/bench.wasm, built from assembly/bench.ts).
import { readPackageFile } from '../src/engine/node-files.js';
import { instantiateWasm, type WasmExports } from '../src/engine/wasm.js';

type BenchGemm = (m: number, n: number, k: number, reps: number) => unknown;

/** The shape timed: (100 x 300)(300 x 300), a batch of 100 through the widest MLP layer. */
export const GEMM_SHAPE = { m: 100, n: 300, k: 300 } as const;

/** Best GFLOP/s over calls of about 50 ms each, within `seconds`. */
export async function measureGemmPeak(seconds: number): Promise<number> {
  const bytes = await readPackageFile('build/bench.wasm', 'run `node scripts/build-wasm.mjs bench` (npm run bench does) to build it');
  const wasm = await instantiateWasm<WasmExports>(await WebAssembly.compile(bytes));
  if (typeof wasm.benchGemm !== 'function') throw new Error('build/bench.wasm exports no benchGemm(m, n, k, reps)');
  const benchGemm = wasm.benchGemm as BenchGemm;
  const { m, n, k } = GEMM_SHAPE;
  const time = (reps: number) => {
    const start = performance.now();
    benchGemm(m, n, k, reps);
    return (performance.now() - start) / 1e3;
  };
  let reps = 1;
  while (time(reps) < 0.05) reps *= 2; // also the warm-up
  let best = 0;
  const end = performance.now() + seconds * 1e3;
  do best = Math.max(best, (2 * m * n * k * reps) / time(reps) / 1e9);
  while (performance.now() < end);
  return best;
}

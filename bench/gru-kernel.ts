// Time of the GRU kernel alone at the paper's shape (bidirectional, H = 6, T = 40, batch 100):
// gruForward and gruBackward, milliseconds per call.
//   node dist/bench/gru-kernel.js
import { fileURLToPath } from 'node:url';
import { compileWasm, instantiateWasm, type WasmExports } from '../src/engine/wasm.js';

interface GruExports extends WasmExports {
  gruWorkspaceFloats(B: number, T: number, H: number, D: number): number;
  gruForward(B: number, T: number, H: number, D: number, x: number, params: number, out: number, workspace: number): void;
  gruBackward(B: number, T: number, H: number, D: number, x: number, params: number, dOut: number, dParams: number, workspace: number): void;
}

export const GRU_KERNEL_SHAPE = { B: 100, T: 40, H: 6, D: 2 } as const;
const CALLS_PER_ROUND = 8;

/** Milliseconds per call of gruForward and of gruBackward (best round). */
export async function gruKernelTimes(): Promise<{ forwardMs: number; backwardMs: number }> {
  const wasm = await instantiateWasm<GruExports>(await compileWasm('engine'));
  const { B, T, H, D } = GRU_KERNEL_SHAPE;
  const nParams = D * 3 * H * (H + 3);
  const nOut = B * T * D * H;
  const fill = (n: number, scale: number) => {
    const ptr = wasm.alloc(n * 4);
    const view = new Float32Array(wasm.memory.buffer, ptr, n);
    for (let i = 0; i < n; i++) view[i] = scale * Math.sin(1.7 * i + 0.3); // deterministic, data-like magnitudes
    return ptr;
  };
  const x = fill(B * T, 2);
  const params = fill(nParams, 1 / Math.sqrt(H));
  const dOut = fill(nOut, 0.01);
  const out = wasm.alloc(nOut * 4);
  const dParams = wasm.alloc(nParams * 4);
  const workspace = wasm.alloc(wasm.gruWorkspaceFloats(B, T, H, D) * 4);
  const forward = () => wasm.gruForward(B, T, H, D, x, params, out, workspace);
  const backward = () => wasm.gruBackward(B, T, H, D, x, params, dOut, dParams, workspace);
  // Short rounds of a few calls, for about half a second: the best round is the one no other
  // process interrupted (the machine may be shared).
  const bestMs = (fn: () => void) => {
    let best = Infinity;
    const end = performance.now() + 500;
    while (performance.now() < end) {
      const start = performance.now();
      for (let i = 0; i < CALLS_PER_ROUND; i++) fn();
      best = Math.min(best, (performance.now() - start) / CALLS_PER_ROUND);
    }
    return best;
  };
  forward();
  const forwardMs = bestMs(forward);
  const backwardMs = bestMs(backward); // the workspace holds the last forward's activations
  return { forwardMs, backwardMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { forwardMs, backwardMs } = await gruKernelTimes();
  const { B, T, H, D } = GRU_KERNEL_SHAPE;
  console.log(`GRU kernel B=${B} T=${T} H=${H} D=${D}: forward ${forwardMs.toFixed(3)} ms, backward ${backwardMs.toFixed(3)} ms, ` +
    `together ${(forwardMs + backwardMs).toFixed(3)} ms (${Math.round(1000 / (forwardMs + backwardMs))} fwd+bwd/s)`);
}

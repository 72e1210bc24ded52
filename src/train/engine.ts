// One instance of the `engine` wasm module. An Engine runs one Trainer at a time
// and is reused across runs (in a worker: create it once, then one Trainer per run):
// a Trainer holds the engine's whole memory from its construction until dispose(),
// and creating another one while it is live is an error.
import { compileWasm, instantiateWasm, type WasmExports } from '../engine/wasm.js';

/** The engine module's exports (see assembly/engine.ts). Pointers are byte addresses. */
export interface EngineExports extends WasmExports {
  trainSteps(state: number, n: number): void;
  evaluate(state: number, split: number): void;
  forwardInput(state: number, batch: number): void;
  lossAndGradients(state: number, batch: number): number;
  optimizerStep(state: number): void;
  resetBatches(state: number): void;
  resetOptimizer(state: number): void;
  initUniform(seed: number, specs: number, count: number, base: number): void;
  gruWorkspaceFloats(B: number, T: number, H: number, D: number): number;
  patternWords(IN: number, OUT: number): number;
  buildPattern(IN: number, OUT: number, mask: number, pattern: number): number;
  winogradScratchFloats(Cin: number, Lin: number, Cout: number, Lout: number, K: number, S: number, P: number, ld: number): number;
  seededPermutation(out: number, n: number, seed: number): void;
}

export class Engine {
  private owner: object | null = null;

  private constructor(readonly wasm: EngineExports) {}

  /** Instantiates the engine module (compiled once per process when no module is given). */
  static async create(module?: WebAssembly.Module): Promise<Engine> {
    return new Engine(await instantiateWasm<EngineExports>(module ?? (await compileWasm('engine'))));
  }

  /** Gives the whole memory to `owner` (the heap reset); throws while another owner holds it. */
  claim(owner: object): void {
    if (this.owner !== null && this.owner !== owner) {
      throw new Error('this Engine still runs another Trainer: dispose() it before creating the next one');
    }
    this.owner = owner;
    this.wasm.resetHeap();
  }

  /** Whether `owner` still holds the engine. */
  owns(owner: object): boolean {
    return this.owner === owner;
  }

  /** Frees everything `owner` allocated (no-op when `owner` does not hold the engine, e.g. a second dispose()). */
  release(owner: object): void {
    if (this.owner !== owner) return;
    this.owner = null;
    this.wasm.resetHeap();
  }

  /**
   * numpy's np.random.seed(seed); np.random.permutation(n) (the notebook's spatial
   * shuffle uses n = 40, seed 42). Takes a little heap, freed with the next claim.
   */
  permutation(n: number, seed: number): Int32Array {
    const out = this.alloc(4 * n);
    this.wasm.seededPermutation(out, n, seed >>> 0);
    return this.i32(out, n).slice();
  }

  /** 16-byte aligned bytes on the engine's heap (may grow memory: re-create views afterwards). */
  alloc(bytes: number): number {
    return this.wasm.alloc(Math.max(16, Math.ceil(bytes / 16) * 16));
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.wasm.memory.buffer, ptr, length);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.wasm.memory.buffer, ptr, length);
  }
}

// The one place that assigns the engine memory of a run: the state header, the plan,
// the flat parameter / gradient / optimizer / mask buffers, the activations and their
// gradients, and the scratch every op declares (src/models/compile.ts). Every region
// starts on a 16-byte boundary (sizes in floats rounded up to 4). The plan records
// (assembly/abi/plan.ts) are filled in here, with every address they hold.
import { OP_DOUT, OP_DW, OP_FLAGS, OP_KIND, OP_OUT, OP_W, OP_WORDS } from '../../assembly/abi/plan.js';
import { STATE_BYTES } from '../../assembly/abi/state.js';
import type { CompiledModel, ScratchContext } from '../models/compile.js';

export interface LayoutOptions extends ScratchContext {
  /** Parameter-sized buffers the optimizer keeps (1 or 2). */
  optimizerBuffers: number;
}

/** Byte addresses in the engine's memory (0: the region is absent). */
export interface RunMemory {
  state: number;
  plan: number;
  /** paramFloats each: parameters, gradients, the optimizer's buffers, the mask. */
  params: number;
  grads: number;
  optA: number;
  optB: number;
  mask: number;
  /** Floats per parameter-sized buffer: paramCount rounded up to 4. */
  paramFloats: number;
  labels: number; // ld i32
  /** (features, ld) activations; input is buffer 0, logits the model's output buffer. */
  input: number;
  logits: number;
  dLogits: number;
  /** init records (byte offset i32, length i32, bound f64) per parameter tensor, read by initUniform. */
  initSpecs: number;
  /** The plan records, addresses filled in (to be copied to `plan`). */
  planWords: Int32Array;
}

const padded = (n: number) => Math.ceil(n / 4) * 4;

/** Offsets of every region relative to the block's base (-1: absent), and the block's size. */
interface Regions {
  bytes: number;
  state: number;
  plan: number;
  params: number;
  grads: number;
  optA: number;
  optB: number;
  mask: number;
  paramFloats: number;
  labels: number;
  initSpecs: number;
  act: number[];
  grad: number[];
  scratch: number[][];
}

/** Bytes of the one block a run of `model` takes (layoutRun's `alloc` request), computed without allocating. */
export function runBlockBytes(model: CompiledModel, options: LayoutOptions): number {
  return assignRegions(model, options).bytes;
}

/** Lays out a run of `model` for batches of up to `options.ld` columns; `alloc` gives the base of the block (zeroed by the caller). */
export function layoutRun(model: CompiledModel, options: LayoutOptions, alloc: (bytes: number) => number): RunMemory {
  const { ops } = model;
  const { bytes, state, plan, params, grads, optA, optB, mask, paramFloats, labels, initSpecs, act, grad, scratch } = assignRegions(model, options);
  const base = alloc(bytes);
  const abs = (rel: number) => (rel < 0 ? 0 : base + rel);
  const planWords = new Int32Array(ops.length * OP_WORDS);
  ops.forEach((op, i) => {
    const w = planWords.subarray(i * OP_WORDS, (i + 1) * OP_WORDS);
    w[OP_KIND] = op.kind;
    for (const input of op.inputs) {
      w[input.word] = abs(act[input.buffer]);
      w[input.gradWord] = abs(grad[input.buffer]);
    }
    w[OP_OUT] = abs(act[op.output]);
    w[OP_DOUT] = abs(grad[op.output]);
    w[OP_FLAGS] = op.flags;
    w[OP_W] = op.param >= 0 ? base + params + 4 * op.param : 0;
    w[OP_DW] = op.param >= 0 ? base + grads + 4 * op.param : 0;
    for (const [word, value] of Object.entries(op.fields)) w[Number(word)] = value;
    op.scratch.forEach((need, j) => (w[need.word] = abs(scratch[i][j])));
  });
  return {
    state: base + state,
    plan: base + plan,
    params: base + params,
    grads: base + grads,
    optA: base + optA,
    optB: abs(optB),
    mask: base + mask,
    paramFloats,
    labels: base + labels,
    input: abs(act[0]),
    logits: abs(act[model.output]),
    dLogits: abs(grad[model.output]),
    initSpecs: base + initSpecs,
    planWords,
  };
}

function assignRegions(model: CompiledModel, options: LayoutOptions): Regions {
  const { buffers, ops, paramCount } = model;
  const ld = options.ld;
  let bytes = 0;
  const take = (floats: number) => {
    const at = bytes;
    bytes += padded(floats) * 4;
    return at;
  };
  const paramFloats = padded(paramCount);
  const state = take(STATE_BYTES / 4);
  const plan = take(ops.length * OP_WORDS);
  const params = take(paramFloats);
  const grads = take(paramFloats);
  const optA = take(paramFloats);
  const optB = options.optimizerBuffers > 1 ? take(paramFloats) : -1;
  const mask = take(paramFloats);
  const labels = take(ld);
  const initSpecs = take(model.params.length * 4);
  const act = buffers.map((features) => take(features * ld));
  const grad = buffers.map((features, id) => (id === 0 ? -1 : take(features * ld)));
  // scratch per op need (-1: none); needs sharing a key get one region, sized for the largest
  const sizes = ops.map((op) => op.scratch.map((need) => need.floats(options)));
  const sharedFloats = new Map<string, number>();
  ops.forEach((op, i) => op.scratch.forEach((need, j) => {
    if (need.shared !== undefined && sizes[i][j] > 0) sharedFloats.set(need.shared, Math.max(sizes[i][j], sharedFloats.get(need.shared) ?? 0));
  }));
  const shared = new Map([...sharedFloats].map(([key, floats]) => [key, take(floats)]));
  const scratch = ops.map((op, i) => op.scratch.map((need, j) => {
    if (sizes[i][j] <= 0) return -1;
    return need.shared === undefined ? take(sizes[i][j]) : shared.get(need.shared)!;
  }));
  return { bytes, state, plan, params, grads, optA, optB, mask, paramFloats, labels, initSpecs, act, grad, scratch };
}

// Single-layer GRU with input size 1, unidirectional (D = 1) or bidirectional (D = 2),
// PyTorch's equations and gate order [r | z | n], h0 = 0:
//   r = sigmoid(Wir x + bir + Whr h + bhr)      z = sigmoid(Wiz x + biz + Whz h + bhz)
//   n = tanh(Win x + bin + r * (Whn h + bhn))   h' = (1 - z) * n + z * h
// The reverse direction runs t = T-1..0; out[b, t, H + k] is its state after consuming x_t.
//
// x (B, T); out and dOut (B, T, D*H) with out[b, t, dir*H + k]; all f32, 16-byte aligned.
// params per direction, PyTorch order: weight_ih (3H,1), weight_hh (3H,H) row-major, bias_ih (3H), bias_hh (3H);
// the reverse direction's block follows the forward one. dParams has the same layout and is accumulated (+=).
//
// SIMD across the batch: internally the batch is the innermost dimension, padded to Bp = ceil(B/4)*4,
// so each f32x4 carries 4 examples; padded lanes see x = 0 and dOut = 0 and so add no gradient.
// Forward step: per unit, the 3 gate rows' dot products with h_prev and the gate nonlinearities in
// registers, two f32x4 columns at a time. Backward step: an element-wise pass over the step's gate
// blocks, then dh += Whh^T dG as a gemmNN (gemm.ts); the weight gradients are reduced over time and
// batch once per direction by gemmNT.
// Workspace (floats; a block is (H, Bp), unit-major):
//   xT      (T, Bp)       x transposed, padded lanes 0; backward reads x from here (its x is unused)
//   ones    (Bp)          1.0, for bias gradients as products with a row of ones
//   sums    3H*H + 7H     gemmNT results before they are added into dParams (rounded up to 4)
//   then per direction:
//   hs      T+1 blocks    states by slot; forward: slot t+1 = state after x_t, slot 0 = h0;
//                         reverse: slot t = state after x_t, slot T = h0
//   gates   T x 4 blocks  per t: r, z, n, ghn = Whn h + bhn                       [written by forward]
//   grads   T x 4 blocks  per t: dA_r, dA_z, dghn, dA_n (gradients of the r and z pre-activations,
//                         of ghn and of the n pre-activation)                       [backward scratch]
//   dOutT   T blocks      this direction's slice of dOut, transposed                [backward scratch]
//   dh      1 block       gradient w.r.t. the state being back-propagated           [backward scratch]
import { sigmoidF32x4, tanhF32x4 } from "./fastmath";
import { GEMM_ACC, gemmNN, gemmNT } from "./gemm";
import { transposeStrided } from "./transpose";

// @ts-ignore: decorator
@inline function paddedBatch(B: i32): i32 {
  return (B + 3) & ~3;
}

/** Parameter floats per direction: weight_ih 3H + weight_hh 3H*H + bias_ih 3H + bias_hh 3H. */
// @ts-ignore: decorator
@inline function directionParams(H: i32): i32 {
  return 3 * H * (H + 3);
}

/** Workspace floats per direction: (T+1) + 4T + 4T + T + 1 blocks of H*Bp (N: i32 in the kernels, i64 when sizing). */
// @ts-ignore: decorator
@inline function directionFloats<N>(Bp: N, T: N, H: N): N {
  return (10 * T + 2) * H * Bp;
}

/** Floats before the first direction: xT, ones and the sums scratch (N as directionFloats). */
// @ts-ignore: decorator
@inline function sharedFloats<N>(Bp: N, T: N, H: N): N {
  return T * Bp + Bp + ((3 * H * H + 7 * H + 3) & ~3);
}

/** Workspace floats for batch B; counted in 64 bits, so a shape too large for the engine reports its true size. */
export function gruWorkspaceFloats(B: i32, T: i32, H: i32, D: i32): f64 {
  const Bp = <i64>paddedBatch(B);
  return <f64>(sharedFloats<i64>(Bp, <i64>T, <i64>H) + <i64>D * directionFloats<i64>(Bp, <i64>T, <i64>H));
}

// The current direction's parameter and workspace addresses (module globals, not a heap object:
// the host's resetHeap would free it). Kernels copy what they use into locals.
let wih: usize = 0;
let whh: usize = 0;
let bih: usize = 0;
let bhh: usize = 0;
let hs: usize = 0;
let gates: usize = 0;
let grads: usize = 0;
let dOutT: usize = 0;
let dhBlock: usize = 0;
/** Bytes of one (H, Bp) block. */
let block: usize = 0;
/** h_prev of step t is in slot t + prevSlot, the step's output in slot t + outSlot. */
let prevSlot: i32 = 0;
let outSlot: i32 = 0;

function setDirection(d: i32, Bp: i32, T: i32, H: i32, params: usize, workspace: usize): void {
  wih = params + <usize>(d * directionParams(H)) * 4;
  whh = wih + <usize>(3 * H) * 4;
  bih = whh + <usize>(3 * H * H) * 4;
  bhh = bih + <usize>(3 * H) * 4;
  block = <usize>(H * Bp) * 4;
  hs = workspace + <usize>(sharedFloats<i32>(Bp, T, H) + d * directionFloats<i32>(Bp, T, H)) * 4;
  gates = hs + <usize>(T + 1) * block;
  grads = gates + <usize>(4 * T) * block;
  dOutT = grads + <usize>(4 * T) * block;
  dhBlock = dOutT + <usize>T * block;
  prevSlot = d == 0 ? 0 : 1;
  outSlot = d == 0 ? 1 : 0;
}

// @ts-ignore: decorator
@inline function state(slot: i32): usize {
  return hs + <usize>slot * block;
}

export function gruForward(B: i32, T: i32, H: i32, D: i32, x: usize, params: usize, out: usize, workspace: usize): void {
  const Bp = paddedBatch(B);
  // xT[t][b] = x[b][t], padded lanes 0.
  if (B < Bp) memory.fill(workspace, 0, <usize>(T * Bp) * 4);
  transposeStrided(B, T, x, <usize>T * 4, workspace, <usize>Bp * 4);
  for (let d = 0; d < D; d++) {
    setDirection(d, Bp, T, H, params, workspace);
    memory.fill(state(d == 0 ? 0 : T), 0, block); // h0 = 0
    for (let s = 0; s < T; s++) {
      const t = d == 0 ? s : T - 1 - s;
      forwardStep(gates + <usize>(4 * t) * block, state(t + prevSlot), state(t + outSlot), workspace + <usize>(t * Bp) * 4, Bp, H);
    }
    // out[b, t, d*H + k] = hs[t + outSlot][k][b]
    for (let t = 0; t < T; t++) {
      transposeStrided(H, B, state(t + outSlot), <usize>Bp * 4, out + <usize>((t * D + d) * H) * 4, <usize>(T * D * H) * 4);
    }
  }
}

/**
 * One time step: from hPrev (H, Bp) and xt (Bp) to hNext (H, Bp), keeping r, z, n and ghn = Whn h + bhn
 * in the step's 4 gate blocks g. Works on two f32x4 columns at once (8 examples; with an odd count of
 * columns the last pair is one column twice): two independent dependency chains through the
 * sigmoids and tanh keep the CPU busy.
 */
function forwardStep(g: usize, hPrev: usize, hNext: usize, xt: usize, Bp: i32, H: i32): void {
  const blk = block;
  const row = <usize>Bp * 4;
  const wIh = wih;
  const wHh = whh;
  const bIh = bih;
  const bHh = bhh;
  const HH = <usize>(H * H) * 4;
  for (let v = 0; v < Bp; v += 8) {
    const a = <usize>v * 4;
    const b = v + 4 < Bp ? a + 16 : a;
    const xa = v128.load(xt + a);
    const xb = v128.load(xt + b);
    for (let k = 0; k < H; k++) {
      // Pre-activations of unit k: input part plus both biases for r and z; ghn kept apart for n.
      const oR = <usize>k * 4;
      const oZ = <usize>(H + k) * 4;
      const oN = <usize>(2 * H + k) * 4;
      const wir = v128.load32_splat(wIh + oR);
      const wiz = v128.load32_splat(wIh + oZ);
      const br = f32x4.splat(load<f32>(bIh + oR) + load<f32>(bHh + oR));
      const bz = f32x4.splat(load<f32>(bIh + oZ) + load<f32>(bHh + oZ));
      let rA = f32x4.add(f32x4.mul(wir, xa), br);
      let rB = f32x4.add(f32x4.mul(wir, xb), br);
      let zA = f32x4.add(f32x4.mul(wiz, xa), bz);
      let zB = f32x4.add(f32x4.mul(wiz, xb), bz);
      let ghnA = v128.load32_splat(bHh + oN);
      let ghnB = ghnA;
      const wk = wHh + <usize>(k * H) * 4;
      for (let j = 0; j < H; j++) {
        const hj = hPrev + <usize>j * row;
        const hA = v128.load(hj + a);
        const hB = v128.load(hj + b);
        const w = wk + <usize>j * 4;
        const wr = v128.load32_splat(w);
        const wz = v128.load32_splat(w + HH);
        const wn = v128.load32_splat(w + 2 * HH);
        rA = f32x4.add(rA, f32x4.mul(wr, hA));
        rB = f32x4.add(rB, f32x4.mul(wr, hB));
        zA = f32x4.add(zA, f32x4.mul(wz, hA));
        zB = f32x4.add(zB, f32x4.mul(wz, hB));
        ghnA = f32x4.add(ghnA, f32x4.mul(wn, hA));
        ghnB = f32x4.add(ghnB, f32x4.mul(wn, hB));
      }
      const ko = <usize>k * row;
      const gk = g + ko;
      rA = sigmoidF32x4(rA);
      rB = sigmoidF32x4(rB);
      zA = sigmoidF32x4(zA);
      zB = sigmoidF32x4(zB);
      v128.store(gk + a, rA);
      v128.store(gk + b, rB);
      v128.store(gk + blk + a, zA);
      v128.store(gk + blk + b, zB);
      v128.store(gk + 3 * blk + a, ghnA);
      v128.store(gk + 3 * blk + b, ghnB);
      const win = v128.load32_splat(wIh + oN);
      const bin = v128.load32_splat(bIh + oN);
      const nA = tanhF32x4(f32x4.add(f32x4.add(f32x4.mul(win, xa), bin), f32x4.mul(rA, ghnA)));
      const nB = tanhF32x4(f32x4.add(f32x4.add(f32x4.mul(win, xb), bin), f32x4.mul(rB, ghnB)));
      v128.store(gk + 2 * blk + a, nA);
      v128.store(gk + 2 * blk + b, nB);
      // h' = (1 - z) n + z h = n + z (h - n)
      v128.store(hNext + ko + a, f32x4.add(nA, f32x4.mul(zA, f32x4.sub(v128.load(hPrev + ko + a), nA))));
      v128.store(hNext + ko + b, f32x4.add(nB, f32x4.mul(zB, f32x4.sub(v128.load(hPrev + ko + b), nB))));
    }
  }
}

export function gruBackward(B: i32, T: i32, H: i32, D: i32, x: usize, params: usize, dOut: usize, dParams: usize, workspace: usize): void {
  const Bp = paddedBatch(B);
  const ones = workspace + <usize>(T * Bp) * 4;
  for (let v = 0; v < Bp; v += 4) v128.store(ones + <usize>v * 4, f32x4.splat(1.0));
  for (let d = 0; d < D; d++) {
    setDirection(d, Bp, T, H, params, workspace);
    // dOutT[t][k][b] = dOut[b, t, d*H + k], padded lanes 0.
    if (B < Bp) memory.fill(dOutT, 0, <usize>T * block);
    for (let t = 0; t < T; t++) {
      transposeStrided(B, H, dOut + <usize>((t * D + d) * H) * 4, <usize>(T * D * H) * 4, dOutT + <usize>t * block, <usize>Bp * 4);
    }
    memory.fill(dhBlock, 0, block); // no gradient flows into the last state from later steps
    for (let s = T - 1; s >= 0; s--) {
      const t = d == 0 ? s : T - 1 - s;
      const dG = grads + <usize>(4 * t) * block;
      gateGradients(gates + <usize>(4 * t) * block, dG, state(t + prevSlot), dOutT + <usize>t * block, dhBlock, block);
      // dh (H, Bp) += Whh^T dG: dh[j] += sum over the 3H gate rows i of Whh[i, j] dG[i]
      gemmNN(H, Bp, 1, 3 * H, whh, 4, 0, <usize>H * 4, dG, 0, <usize>Bp * 4, dhBlock, <usize>Bp * 4, 0, GEMM_ACC);
    }
    reduceGradients(dParams + <usize>(d * directionParams(H)) * 4, Bp, T, H, workspace);
  }
}

/**
 * Element-wise backward of one step. dh holds the gradient w.r.t. the step's output state from later
 * steps; adding dOut[t] gives its total. Writes the 4 gradient blocks dG and leaves z * dh in dh, the
 * direct part of the gradient w.r.t. the state before the step.
 */
function gateGradients(g: usize, dG: usize, hPrev: usize, dOutStep: usize, dh: usize, blockBytes: usize): void {
  const one = f32x4.splat(1.0);
  for (let i: usize = 0; i < blockBytes; i += 16) {
    const gi = g + i;
    const di = dG + i;
    const dht = f32x4.add(v128.load(dh + i), v128.load(dOutStep + i));
    const r = v128.load(gi);
    const z = v128.load(gi + blockBytes);
    const n = v128.load(gi + 2 * blockBytes);
    const ghn = v128.load(gi + 3 * blockBytes);
    const dAn = f32x4.mul(f32x4.mul(dht, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
    v128.store(di, f32x4.mul(f32x4.mul(dAn, ghn), f32x4.mul(r, f32x4.sub(one, r))));
    v128.store(di + blockBytes, f32x4.mul(f32x4.mul(dht, f32x4.sub(v128.load(hPrev + i), n)), f32x4.mul(z, f32x4.sub(one, z))));
    v128.store(di + 2 * blockBytes, f32x4.mul(dAn, r));
    v128.store(di + 3 * blockBytes, dAn);
    v128.store(dh + i, f32x4.mul(dht, z));
  }
}

/**
 * Adds the current direction's parameter gradients into dp (its block of dParams). Each is a sum over
 * time and batch of a grads row times a column (h_prev, x or ones), done as gemmNT over K1 = T rows:
 *   dWhh[g*H+k][j] += dG_gk . h_prev_j   dWih[g*H+k] += dA_gk . x   dbih += dA . 1   dbhh += dG . 1
 * with dG = (dA_r, dA_z, dghn) (the first 3H grads rows) and dA = (dA_r, dA_z, dA_n).
 */
function reduceGradients(dp: usize, Bp: i32, T: i32, H: i32, workspace: usize): void {
  const row = <usize>Bp * 4;
  const step = block * 4; // grads bytes per t
  const KV = Bp >> 2;
  const xT = workspace;
  const ones = xT + <usize>T * row;
  const wSums = ones + row; // 3H x H
  const xSums = wSums + <usize>(3 * H * H) * 4; // 3H
  const oneSums = xSums + <usize>(3 * H) * 4; // 4H
  gemmNT(3 * H, H, T, KV, grads, row, step, state(prevSlot), row, block, wSums, <usize>H * 4, 4);
  gemmNT(2 * H, 1, T, KV, grads, row, step, xT, 0, row, xSums, 4, 4);
  gemmNT(H, 1, T, KV, grads + 3 * block, row, step, xT, 0, row, xSums + <usize>(2 * H) * 4, 4, 4);
  gemmNT(4 * H, 1, T, KV, grads, row, step, ones, 0, 0, oneSums, 4, 4);
  const dWih = dp;
  const dWhh = dp + <usize>(3 * H) * 4;
  const dbih = dWhh + <usize>(3 * H * H) * 4;
  const dbhh = dbih + <usize>(3 * H) * 4;
  addFloats(dWhh, wSums, 3 * H * H);
  addFloats(dWih, xSums, 3 * H);
  addFloats(dbih, oneSums, 2 * H); // r, z: dA = dG
  addFloats(dbhh, oneSums, 3 * H); // dA_r, dA_z, dghn
  addFloats(dbih + <usize>(2 * H) * 4, oneSums + <usize>(3 * H) * 4, H); // dA_n
}

/** dst[i] += src[i] for i < n. */
function addFloats(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

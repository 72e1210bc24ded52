// Whole training runs inside WebAssembly: a compiled plan (ops with byte addresses,
// built once by src/models/compile.ts) is executed for n steps per call — batch
// gather, forward, softmax cross-entropy, backward, optimizer update — and whole
// splits are evaluated in batches, without returning to JS in between.
//
// Activations are feature-major with the batch innermost: a tensor of F features is
// (F, ld), ld = the batch rounded up to a multiple of 4 (padding columns hold zeros
// in the input, and zero gradients throughout).
//
// The plan's format is declared in assembly/abi/plan.ts and each op kind's glue (its
// fields -> its kernels) lives in assembly/ops/; the run state's header is declared in
// assembly/abi/state.ts. Both are shared with the TypeScript side.
import {
  F_ALPHA, F_BETA1, F_BETA2, F_EPS, F_INITIAL_SQUARE_AVG, F_LR, F_MOMENTUM, F_OUT_LOSS, F_WEIGHT_DECAY,
  OPT_ADAM, OPT_RMSPROP, OPT_SGD, ORDER_SEQUENTIAL, STATE_F64_BYTE,
  S_BATCH, S_CLASSES, S_DLOGITS, S_FEATURES, S_GRADS, S_INPUT, S_LABELS, S_LDMAX, S_LOGITS, S_MASK, S_NOPS, S_NPARAMS,
  S_OPTIMIZER, S_OPT_A, S_OPT_B, S_OPT_STEP, S_ORDER, S_OUT_CORRECT, S_OUT_DIVERGED, S_OUT_STEPS, S_PARAMS, S_PERM, S_PLAN,
  S_RNG, S_SHUFFLE_SEED, S_STEP, S_TEST_N, S_TEST_X, S_TEST_Y, S_TRAIN_N, S_TRAIN_X, S_TRAIN_Y,
} from "./abi/state";
import { OP_ACT, OP_ADD, OP_CONV, OP_DENSE, OP_GRU, OP_KIND, OP_POOL, OP_WORDS } from "./abi/plan";
import { countCorrect, softmaxCrossEntropy } from "./nn/loss";
import { adamStep, rmspropStep, sgdStep } from "./nn/optim";
import { activationOpBackward, activationOpForward } from "./ops/activation";
import { addOpBackward, addOpForward } from "./ops/add";
import { convOpBackward, convOpForward } from "./ops/conv";
import { denseOpBackward, denseOpForward } from "./ops/dense";
import { gruOpBackward, gruOpForward } from "./ops/gru";
import { poolOpBackward, poolOpForward } from "./ops/pool";
import { word } from "./ops/record";
import { MT19937 } from "./rng";

// @ts-ignore: decorator
@inline function geti(s: usize, field: i32): i32 {
  return load<i32>(s + (<usize>field << 2));
}
// @ts-ignore: decorator
@inline function seti(s: usize, field: i32, v: i32): void {
  store<i32>(s + (<usize>field << 2), v);
}
// @ts-ignore: decorator
@inline function getf(s: usize, field: i32): f64 {
  return load<f64>(s + STATE_F64_BYTE + (<usize>field << 3));
}
// @ts-ignore: decorator
@inline function setf(s: usize, field: i32, v: f64): void {
  store<f64>(s + STATE_F64_BYTE + (<usize>field << 3), v);
}

function forwardOp(op: usize, ld: i32): void {
  const kind = word(op, OP_KIND);
  if (kind == OP_DENSE) denseOpForward(op, ld);
  else if (kind == OP_CONV) convOpForward(op, ld);
  else if (kind == OP_ACT) activationOpForward(op, ld);
  else if (kind == OP_POOL) poolOpForward(op, ld);
  else if (kind == OP_ADD) addOpForward(op, ld);
  else if (kind == OP_GRU) gruOpForward(op, ld);
}

function backwardOp(op: usize, ld: i32): void {
  const kind = word(op, OP_KIND);
  if (kind == OP_DENSE) denseOpBackward(op, ld);
  else if (kind == OP_CONV) convOpBackward(op, ld);
  else if (kind == OP_ACT) activationOpBackward(op, ld);
  else if (kind == OP_POOL) poolOpBackward(op, ld);
  else if (kind == OP_ADD) addOpBackward(op, ld);
  else if (kind == OP_GRU) gruOpBackward(op, ld);
}

function forward(s: usize, ld: i32): void {
  const plan = <usize>geti(s, S_PLAN);
  const n = geti(s, S_NOPS);
  for (let i = 0; i < n; i++) forwardOp(plan + <usize>(i * OP_WORDS * 4), ld);
}

function backward(s: usize, ld: i32): void {
  const plan = <usize>geti(s, S_PLAN);
  for (let i = geti(s, S_NOPS) - 1; i >= 0; i--) backwardOp(plan + <usize>(i * OP_WORDS * 4), ld);
}

// @ts-ignore: decorator
@inline function padded(b: i32): i32 {
  return (b + 3) & ~3;
}

/**
 * Copies rows [start, start + b) of a feature-major split (features, n) into the input
 * buffer (features, ld) and their labels; zeroes the padding columns.
 */
function loadRows(s: usize, x: usize, y: usize, n: i32, start: i32, b: i32): void {
  const F = geti(s, S_FEATURES);
  const ld = padded(b);
  const input = <usize>geti(s, S_INPUT);
  for (let f = 0; f < F; f++) {
    const dst = input + <usize>(f * ld) * 4;
    memory.copy(dst, x + <usize>(f * n + start) * 4, <usize>b << 2);
    if (ld > b) memory.fill(dst + (<usize>b << 2), 0, <usize>(ld - b) << 2);
  }
  memory.copy(<usize>geti(s, S_LABELS), y + (<usize>start << 2), <usize>b << 2);
}

/** Draws the next training batch into the input buffer; returns its size. */
function nextBatch(s: usize): i32 {
  const B = geti(s, S_BATCH);
  const N = geti(s, S_TRAIN_N);
  const step = geti(s, S_STEP);
  seti(s, S_STEP, step + 1);
  const x = <usize>geti(s, S_TRAIN_X), y = <usize>geti(s, S_TRAIN_Y);
  if (geti(s, S_ORDER) == ORDER_SEQUENTIAL) {
    // train.py: rows [(step*B) mod N, +B), cut short at the end of the set
    const start = <i32>((<i64>step * <i64>B) % <i64>N);
    const b = min(B, N - start);
    loadRows(s, x, y, N, start, b);
    return b;
  }
  // DataLoader(shuffle=True, drop_last=False): a fresh permutation per epoch
  const perEpoch = (N + B - 1) / B;
  const k = step % perEpoch;
  const perm = <usize>geti(s, S_PERM);
  if (k == 0) changetype<MT19937>(<usize>geti(s, S_RNG)).permutation(perm, N);
  const start = k * B;
  const b = min(B, N - start);
  const F = geti(s, S_FEATURES);
  const ld = padded(b);
  const input = <usize>geti(s, S_INPUT);
  const labels = <usize>geti(s, S_LABELS);
  const rows = perm + (<usize>start << 2);
  for (let j = 0; j < b; j++) {
    store<i32>(labels + (<usize>j << 2), load<i32>(y + (<usize>load<i32>(rows + (<usize>j << 2)) << 2)));
  }
  // feature by feature: contiguous writes, reads within one feature row of the split
  for (let f = 0; f < F; f++) {
    const src = x + <usize>(f * N) * 4;
    const dst = input + <usize>(f * ld) * 4;
    for (let j = 0; j < b; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>load<i32>(rows + (<usize>j << 2)) << 2)));
    if (ld > b) memory.fill(dst + (<usize>b << 2), 0, <usize>(ld - b) << 2);
  }
  return b;
}

/** One update of the parameters from the gradients in the grads buffer (under the mask, if set). */
export function optimizerStep(s: usize): void {
  const t = geti(s, S_OPT_STEP) + 1;
  seti(s, S_OPT_STEP, t);
  const n = geti(s, S_NPARAMS);
  const p = <usize>geti(s, S_PARAMS), g = <usize>geti(s, S_GRADS);
  const a = <usize>geti(s, S_OPT_A), mask = <usize>geti(s, S_MASK);
  const kind = geti(s, S_OPTIMIZER);
  const lr = getf(s, F_LR), wd = getf(s, F_WEIGHT_DECAY), eps = getf(s, F_EPS);
  if (kind == OPT_SGD) sgdStep(n, p, g, a, lr, getf(s, F_MOMENTUM), wd, t == 1, mask);
  else if (kind == OPT_ADAM) adamStep(n, p, g, a, <usize>geti(s, S_OPT_B), lr, getf(s, F_BETA1), getf(s, F_BETA2), eps, wd, t, mask);
  else rmspropStep(n, p, g, a, lr, getf(s, F_ALPHA), eps, wd, mask);
}

/** Forward + mean loss + backward on the b examples in the input buffer (no update). */
function meanLossAndGradients(s: usize, b: i32): f64 {
  const ld = padded(b);
  forward(s, ld);
  const loss = softmaxCrossEntropy(geti(s, S_CLASSES), b, ld, <usize>geti(s, S_LOGITS), <usize>geti(s, S_LABELS), <usize>geti(s, S_DLOGITS)) / <f64>b;
  if (isFinite(loss)) backward(s, ld);
  return loss;
}

/**
 * Runs up to n training steps. Writes the steps taken, their mean loss and whether a
 * non-finite loss stopped the run (that step's update is not applied).
 */
export function trainSteps(s: usize, n: i32): void {
  let total: f64 = 0;
  let done = 0;
  let diverged = 0;
  for (let i = 0; i < n; i++) {
    const loss = meanLossAndGradients(s, nextBatch(s));
    if (!isFinite(loss)) {
      diverged = 1;
      break;
    }
    optimizerStep(s);
    total += loss;
    done++;
  }
  seti(s, S_OUT_STEPS, done);
  seti(s, S_OUT_DIVERGED, diverged);
  setf(s, F_OUT_LOSS, done ? total / <f64>done : NaN);
}

/** Mean loss and number correct over a whole split (0 train, 1 test), in batches of ldMax. */
export function evaluate(s: usize, split: i32): void {
  const x = <usize>geti(s, split ? S_TEST_X : S_TRAIN_X);
  const y = <usize>geti(s, split ? S_TEST_Y : S_TRAIN_Y);
  const N = geti(s, split ? S_TEST_N : S_TRAIN_N);
  const chunk = geti(s, S_LDMAX);
  const classes = geti(s, S_CLASSES);
  const logits = <usize>geti(s, S_LOGITS), labels = <usize>geti(s, S_LABELS);
  let total: f64 = 0;
  let correct = 0;
  for (let start = 0; start < N; start += chunk) {
    const b = min(chunk, N - start);
    loadRows(s, x, y, N, start, b);
    forward(s, padded(b));
    total += softmaxCrossEntropy(classes, b, padded(b), logits, labels, 0);
    correct += countCorrect(classes, b, padded(b), logits, labels);
  }
  setf(s, F_OUT_LOSS, N ? total / <f64>N : NaN);
  seti(s, S_OUT_CORRECT, correct);
}

/** Forward pass on the b examples the host wrote into the input buffer; logits at S_LOGITS. */
export function forwardInput(s: usize, b: i32): void {
  forward(s, padded(b));
}

/**
 * Mean cross-entropy of the b examples the host wrote into the input buffer and labels,
 * at the parameters in the params buffer; the gradients go into the grads buffer (no
 * update: optimizerStep applies one). Returns the loss (also written to F_OUT_LOSS).
 */
export function lossAndGradients(s: usize, b: i32): f64 {
  const loss = meanLossAndGradients(s, b);
  setf(s, F_OUT_LOSS, loss);
  return loss;
}

/** Restarts the batch order at step 0 with a fresh shuffle stream. */
export function resetBatches(s: usize): void {
  seti(s, S_STEP, 0);
  let rng = <usize>geti(s, S_RNG);
  if (rng) changetype<MT19937>(rng).seed(<u32>geti(s, S_SHUFFLE_SEED));
  else seti(s, S_RNG, <i32>changetype<usize>(new MT19937(<u32>geti(s, S_SHUFFLE_SEED))));
}

/** Resets the optimizer state (zeros; RMSprop's square average to its initial value) and step count. */
export function resetOptimizer(s: usize): void {
  const bytes = <usize>geti(s, S_NPARAMS) << 2;
  const a = <usize>geti(s, S_OPT_A), b = <usize>geti(s, S_OPT_B);
  const start = f32x4.splat(geti(s, S_OPTIMIZER) == OPT_RMSPROP ? <f32>getf(s, F_INITIAL_SQUARE_AVG) : 0);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(a + o, start);
  if (b) memory.fill(b, 0, bytes);
  seti(s, S_OPT_STEP, 0);
}

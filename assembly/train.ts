// Whole training runs inside WebAssembly: a compiled plan (ops with byte addresses,
// built once by src/models/compile.ts) is executed for n steps per call — batch
// gather, forward, softmax cross-entropy, backward, optimizer update — and whole
// splits are evaluated in batches, without returning to JS in between.
//
// Activations are feature-major with the batch innermost: a tensor of F features is
// (F, ld), ld = the batch rounded up to a multiple of 4 (padding columns hold zeros
// in the input, and zero gradients throughout).
//
// The run state is a header of 32 i32 words followed by 12 f64 (offsets below, mirrored
// by src/models/plan.ts). The plan is nOps records of 16 i32 words:
//   [0] op  [1] in  [2] out  [3] dIn (0: none)  [4] dOut  [5] flags  [6] W  [7] dW  [8..15] op fields
// flags: 1 accumulate into dIn, 2 relu fused into the output, 4 accumulate into dIn2 (add).
//   DENSE  [8] IN [9] OUT [10] scratch for xᵀ (IN * ld floats) [11] sparsity pattern of W (0: dense, nn/sparse.ts)
//          (bias follows W, its gradient follows dW)
//   CONV   [8] Cin [9] Lin [10] Cout [11] Lout [12] K [13] stride [14] padding [15] Winograd scratch (0: direct)
//   ACT    [8] features [9] kind (nn/activation.ts)
//   POOL   [8] channels [9] Lin [10] kind (nn/pool.ts)
//   ADD    [8] in2 [9] dIn2 [10] features      out = in + in2
//   GRU    [8] T [9] H [10] D [11] workspace [12] x staging (ld, T) [13] out staging (ld, T*D*H)
import { activationBackward, activationForward } from "./nn/activation";
import { conv1dBackward, conv1dForward } from "./nn/conv1d";
import { denseBackward, denseForward } from "./nn/dense";
import { gruBackward, gruForward } from "./nn/gru";
import { countCorrect, softmaxCrossEntropy } from "./nn/loss";
import { adamStep, rmspropStep, sgdStep } from "./nn/optim";
import { poolBackward, poolForward } from "./nn/pool";
import { transpose } from "./nn/transpose";
import { MT19937 } from "./rng";

// header i32 words
const S_PLAN = 0;
const S_NOPS = 1;
const S_PARAMS = 2;
const S_GRADS = 3;
const S_OPT_A = 4; // Adam m / SGD momentum buffer / RMSprop square average
const S_OPT_B = 5; // Adam v
const S_MASK = 6; // 0: no mask
const S_NPARAMS = 7; // a multiple of 4
const S_OPTIMIZER = 8; // 0 sgd, 1 adam, 2 rmsprop
const S_BATCH = 9;
const S_LDMAX = 10; // evaluation batch (a multiple of 4, >= batch)
const S_FEATURES = 11;
const S_CLASSES = 12;
const S_INPUT = 13; // (features, ldMax)
const S_LABELS = 14; // ldMax i32
const S_LOGITS = 15; // (classes, ldMax): the last op's output
const S_DLOGITS = 16;
const S_TRAIN_X = 17; // (features, trainN), feature-major
const S_TRAIN_Y = 18;
const S_TRAIN_N = 19;
const S_TEST_X = 20;
const S_TEST_Y = 21;
const S_TEST_N = 22;
const S_ORDER = 23; // 0 sequential (train.py), 1 a fresh shuffle per epoch (DataLoader)
const S_RNG = 24; // MT19937 of the shuffles (allocated by resetBatches)
const S_PERM = 25; // trainN i32
const S_STEP = 26; // batches drawn so far (drives the batch order)
const S_OPT_STEP = 27; // optimizer steps taken (Adam's t)
const S_OUT_STEPS = 28;
const S_OUT_DIVERGED = 29;
const S_OUT_CORRECT = 30;
const S_SHUFFLE_SEED = 31;
// header f64 slots, at byte 128 + 8*i
const F_LR = 0;
const F_BETA1 = 1;
const F_BETA2 = 2;
const F_EPS = 3;
const F_MOMENTUM = 4;
const F_WEIGHT_DECAY = 5;
const F_ALPHA = 6;
const F_OUT_LOSS = 7;
const F_INITIAL_SQUARE_AVG = 8; // RMSprop's starting square average

const OP_DENSE = 1;
const OP_CONV = 2;
const OP_ACT = 3;
const OP_POOL = 4;
const OP_ADD = 5;
const OP_GRU = 6;

const FLAG_ACC = 1;
const FLAG_RELU = 2;
const FLAG_ACC2 = 4;

const OPT_SGD = 0;
const OPT_ADAM = 1;
const OPT_RMSPROP = 2;

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
  return load<f64>(s + 128 + (<usize>field << 3));
}
// @ts-ignore: decorator
@inline function setf(s: usize, field: i32, v: f64): void {
  store<f64>(s + 128 + (<usize>field << 3), v);
}
// @ts-ignore: decorator
@inline function ptr(op: usize, field: i32): usize {
  return <usize>load<i32>(op + (<usize>field << 2));
}
// @ts-ignore: decorator
@inline function field(op: usize, f: i32): i32 {
  return load<i32>(op + (<usize>f << 2));
}

function forwardOp(op: usize, ld: i32): void {
  const kind = field(op, 0);
  const relu = (field(op, 5) & FLAG_RELU) != 0;
  if (kind == OP_DENSE) {
    const IN = field(op, 8), OUT = field(op, 9);
    denseForward(IN, OUT, ld, ptr(op, 1), ptr(op, 6), ptr(op, 6) + (<usize>(IN * OUT) << 2), ptr(op, 2), relu, ptr(op, 11));
  } else if (kind == OP_CONV) {
    const Cin = field(op, 8), Cout = field(op, 10), K = field(op, 12);
    conv1dForward(Cin, field(op, 9), Cout, field(op, 11), K, field(op, 13), field(op, 14), ld,
      ptr(op, 1), ptr(op, 6), ptr(op, 6) + (<usize>(Cout * Cin * K) << 2), ptr(op, 2), relu, ptr(op, 15));
  } else if (kind == OP_ACT) {
    activationForward(field(op, 9), field(op, 8) * ld, ptr(op, 1), ptr(op, 2));
  } else if (kind == OP_POOL) {
    poolForward(field(op, 10), field(op, 8), field(op, 9), ld, ptr(op, 1), ptr(op, 2));
  } else if (kind == OP_ADD) {
    const n = <usize>(field(op, 10) * ld) << 2;
    const a = ptr(op, 1), b = ptr(op, 8), out = ptr(op, 2);
    for (let o: usize = 0; o < n; o += 16) v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  } else if (kind == OP_GRU) {
    const T = field(op, 8), H = field(op, 9), D = field(op, 10);
    transpose(T, ld, ptr(op, 1), ptr(op, 12));
    gruForward(ld, T, H, D, ptr(op, 12), ptr(op, 6), ptr(op, 13), ptr(op, 11));
    transpose(ld, T * D * H, ptr(op, 13), ptr(op, 2));
  }
}

/** dst (=, or += with accumulate) src over n floats. */
function passGradient(n: i32, src: usize, dst: usize, accumulate: bool): void {
  const bytes = <usize>n << 2;
  if (!accumulate) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
}

function backwardOp(op: usize, ld: i32): void {
  const kind = field(op, 0);
  const flags = field(op, 5);
  const relu = (flags & FLAG_RELU) != 0;
  const acc = (flags & FLAG_ACC) != 0;
  if (kind == OP_DENSE) {
    const IN = field(op, 8), OUT = field(op, 9);
    const wn = <usize>(IN * OUT) << 2;
    denseBackward(IN, OUT, ld, ptr(op, 1), ptr(op, 6), ptr(op, 2), ptr(op, 4), ptr(op, 7), ptr(op, 7) + wn, ptr(op, 3), relu, acc, ptr(op, 10), ptr(op, 11));
  } else if (kind == OP_CONV) {
    const Cin = field(op, 8), Cout = field(op, 10), K = field(op, 12);
    const wn = <usize>(Cout * Cin * K) << 2;
    conv1dBackward(Cin, field(op, 9), Cout, field(op, 11), K, field(op, 13), field(op, 14), ld,
      ptr(op, 1), ptr(op, 6), ptr(op, 2), ptr(op, 4), ptr(op, 7), ptr(op, 7) + wn, ptr(op, 3), relu, acc, ptr(op, 15));
  } else if (kind == OP_ACT) {
    if (ptr(op, 3)) activationBackward(field(op, 9), field(op, 8) * ld, ptr(op, 1), ptr(op, 2), ptr(op, 4), ptr(op, 3), acc);
  } else if (kind == OP_POOL) {
    if (ptr(op, 3)) poolBackward(field(op, 10), field(op, 8), field(op, 9), ld, ptr(op, 1), ptr(op, 2), ptr(op, 4), ptr(op, 3), acc);
  } else if (kind == OP_ADD) {
    const n = field(op, 10) * ld;
    if (ptr(op, 3)) passGradient(n, ptr(op, 4), ptr(op, 3), acc);
    if (ptr(op, 9)) passGradient(n, ptr(op, 4), ptr(op, 9), (flags & FLAG_ACC2) != 0);
  } else if (kind == OP_GRU) {
    const T = field(op, 8), H = field(op, 9), D = field(op, 10);
    memory.fill(ptr(op, 7), 0, <usize>(D * 3 * H * (H + 3)) << 2); // gruBackward accumulates
    transpose(T * D * H, ld, ptr(op, 4), ptr(op, 13));
    gruBackward(ld, T, H, D, ptr(op, 12), ptr(op, 6), ptr(op, 13), ptr(op, 7), ptr(op, 11));
  }
}

function forward(s: usize, ld: i32): void {
  const plan = <usize>geti(s, S_PLAN);
  const n = geti(s, S_NOPS);
  for (let i = 0; i < n; i++) forwardOp(plan + <usize>(i * 64), ld);
}

function backward(s: usize, ld: i32): void {
  const plan = <usize>geti(s, S_PLAN);
  for (let i = geti(s, S_NOPS) - 1; i >= 0; i--) backwardOp(plan + <usize>(i * 64), ld);
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
  if (geti(s, S_ORDER) == 0) {
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

function optimizerStep(s: usize): void {
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
function lossAndGradients(s: usize, b: i32): f64 {
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
    const loss = lossAndGradients(s, nextBatch(s));
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

/** Loss and gradients (into the grads buffer) of the b examples in the input buffer. */
export function gradientsInput(s: usize, b: i32): void {
  setf(s, F_OUT_LOSS, lossAndGradients(s, b));
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

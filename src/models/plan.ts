// The engine's plan and run-state format, mirrored from assembly/train.ts (keep the two
// in step): op codes, flag bits, activation/pool codes, and the state header fields.
import type { ActivationKind, PoolFn } from './spec.js';

export const OP_WORDS = 16;
export const OP_DENSE = 1;
export const OP_CONV = 2;
export const OP_ACT = 3;
export const OP_POOL = 4;
export const OP_ADD = 5;
export const OP_GRU = 6;

/** Plan word of a dense op holding its sparsity pattern's address (0: dense kernels). */
export const DENSE_PATTERN_WORD = 11;
/** Plan word of a conv op holding its Winograd scratch's address (0: direct kernels). */
export const CONV_SCRATCH_WORD = 15;

export const FLAG_ACC = 1;
export const FLAG_RELU = 2;
export const FLAG_ACC2 = 4;

const ACTIVATION_CODES: Record<ActivationKind, number> = { identity: 0, relu: 1, tanh: 2, sigmoid: 3, elu: 4, softplus: 5, swish: 6, silu: 6 };
const POOL_CODES: Record<PoolFn, number> = { max: 0, avg: 1, l2: 2 };

export const activationCode = (fn: ActivationKind): number => ACTIVATION_CODES[fn];
export const poolCode = (fn: PoolFn): number => POOL_CODES[fn];

/** State header: i32 words 0..31, then f64 slots from byte STATE_F64_BYTE. */
export const S = {
  PLAN: 0,
  NOPS: 1,
  PARAMS: 2,
  GRADS: 3,
  OPT_A: 4,
  OPT_B: 5,
  MASK: 6,
  NPARAMS: 7,
  OPTIMIZER: 8,
  BATCH: 9,
  LDMAX: 10,
  FEATURES: 11,
  CLASSES: 12,
  INPUT: 13,
  LABELS: 14,
  LOGITS: 15,
  DLOGITS: 16,
  TRAIN_X: 17,
  TRAIN_Y: 18,
  TRAIN_N: 19,
  TEST_X: 20,
  TEST_Y: 21,
  TEST_N: 22,
  ORDER: 23,
  RNG: 24,
  PERM: 25,
  STEP: 26,
  OPT_STEP: 27,
  OUT_STEPS: 28,
  OUT_DIVERGED: 29,
  OUT_CORRECT: 30,
  SHUFFLE_SEED: 31,
} as const;

export const STATE_F64_BYTE = 128;
export const F = {
  LR: 0,
  BETA1: 1,
  BETA2: 2,
  EPS: 3,
  MOMENTUM: 4,
  WEIGHT_DECAY: 5,
  ALPHA: 6,
  OUT_LOSS: 7,
  INITIAL_SQUARE_AVG: 8,
} as const;
export const STATE_BYTES = STATE_F64_BYTE + 12 * 8;

export const OPTIMIZER_CODES = { sgd: 0, adam: 1, rmsprop: 2 } as const;
export const ORDER_CODES = { sequential: 0, shuffle: 1 } as const;

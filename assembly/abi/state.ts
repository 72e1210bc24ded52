// The run state: the header through which src/train/trainer.ts and assembly/train.ts
// talk, shared by both (only `export const NAME = <integer>;` lines, see plan.ts).
// i32 words 0..STATE_I32_WORDS-1, then f64 slots from byte STATE_F64_BYTE; addresses
// are byte addresses in the engine's memory.

export const STATE_I32_WORDS = 32;
export const STATE_F64_BYTE = 128;
export const STATE_F64_SLOTS = 12;
export const STATE_BYTES = 224; // STATE_F64_BYTE + 8 * STATE_F64_SLOTS

// i32 words
export const S_PLAN = 0;
export const S_NOPS = 1;
export const S_PARAMS = 2;
export const S_GRADS = 3;
export const S_OPT_A = 4; // Adam m / SGD momentum buffer / RMSprop square average
export const S_OPT_B = 5; // Adam v
export const S_MASK = 6; // 0: no mask
export const S_NPARAMS = 7; // a multiple of 4
export const S_OPTIMIZER = 8; // an OPT_* code below
export const S_BATCH = 9;
export const S_LDMAX = 10; // evaluation batch (a multiple of 4, >= batch)
export const S_FEATURES = 11;
export const S_CLASSES = 12;
export const S_INPUT = 13; // (features, ldMax)
export const S_LABELS = 14; // ldMax i32
export const S_LOGITS = 15; // (classes, ldMax): the last op's output
export const S_DLOGITS = 16;
export const S_TRAIN_X = 17; // (features, trainN), feature-major
export const S_TRAIN_Y = 18;
export const S_TRAIN_N = 19;
export const S_TEST_X = 20;
export const S_TEST_Y = 21;
export const S_TEST_N = 22;
export const S_ORDER = 23; // an ORDER_* code below
export const S_RNG = 24; // MT19937 of the shuffles (allocated by resetBatches)
export const S_PERM = 25; // trainN i32
export const S_STEP = 26; // batches drawn so far (drives the batch order)
export const S_OPT_STEP = 27; // optimizer steps taken (Adam's t)
export const S_OUT_STEPS = 28;
export const S_OUT_DIVERGED = 29;
export const S_OUT_CORRECT = 30;
export const S_SHUFFLE_SEED = 31;

// f64 slots, at byte STATE_F64_BYTE + 8 * slot
export const F_LR = 0;
export const F_BETA1 = 1;
export const F_BETA2 = 2;
export const F_EPS = 3;
export const F_MOMENTUM = 4;
export const F_WEIGHT_DECAY = 5;
export const F_ALPHA = 6;
export const F_OUT_LOSS = 7;
export const F_INITIAL_SQUARE_AVG = 8; // RMSprop's starting square average

// optimizers (S_OPTIMIZER)
export const OPT_SGD = 0;
export const OPT_ADAM = 1;
export const OPT_RMSPROP = 2;

// batch orders (S_ORDER)
export const ORDER_SEQUENTIAL = 0; // rows in order, as train.py
export const ORDER_SHUFFLE = 1; // a fresh permutation per epoch, as DataLoader(shuffle=True)

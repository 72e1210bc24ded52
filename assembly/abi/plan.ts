// The plan format: the one table shared by the engine (assembly/train.ts and the op
// glue in assembly/ops/) and the compiler (src/models/compile.ts, src/models/layout.ts).
// Both sides import this file, so it holds only `export const NAME = <integer>;` lines
// (valid AssemblyScript and TypeScript alike). The engine exports every constant and
// test/abi.test.ts checks that the built wasm agrees with the TypeScript side.
//
// A plan is nOps records of OP_WORDS i32 words. Words 0..7 are common to every op;
// words 8..15 are the op kind's own fields, named KIND_FIELD below (a pointer field is
// a byte address the layout assigns; 0 means "none").

export const OP_WORDS = 16;

// common words
export const OP_KIND = 0;
export const OP_IN = 1; // input activations (features, ld)
export const OP_OUT = 2; // output activations
export const OP_DIN = 3; // gradient of the input (0: none is needed)
export const OP_DOUT = 4; // gradient of the output
export const OP_FLAGS = 5;
export const OP_W = 6; // the op's first parameter in the flat parameter buffer
export const OP_DW = 7; // its gradient in the flat gradient buffer

// flag bits
export const FLAG_ACC = 1; // backward adds into dIn (another op wrote it first)
export const FLAG_RELU = 2; // relu fused into the output
export const FLAG_ACC2 = 4; // backward adds into ADD_DIN2

// dense: y (OUT, ld) = W (OUT, IN) x (IN, ld) + b; the bias follows W, its gradient dW
export const OP_DENSE = 1;
export const DENSE_IN = 8;
export const DENSE_OUT = 9;
export const DENSE_XT = 10; // scratch for xᵀ (IN * ld floats), shared by every dense op
export const DENSE_PATTERN = 11; // sparsity pattern of W (nn/sparse.ts); 0: dense kernels

// conv1d: x (Cin, Lin, ld) -> y (Cout, Lout, ld), W (Cout, Cin, K), bias after W
export const OP_CONV = 2;
export const CONV_CIN = 8;
export const CONV_LIN = 9;
export const CONV_COUT = 10;
export const CONV_LOUT = 11;
export const CONV_K = 12;
export const CONV_STRIDE = 13;
export const CONV_PADDING = 14;
export const CONV_WINOGRAD = 15; // Winograd scratch (nn/conv-winograd.ts); 0: direct kernels

// elementwise activation over (FEATURES, ld)
export const OP_ACT = 3;
export const ACT_FEATURES = 8;
export const ACT_FN = 9; // an ACTIVATION_* code below

// window-2 pooling: x (CHANNELS, LIN, ld) -> (CHANNELS, LIN / 2, ld)
export const OP_POOL = 4;
export const POOL_CHANNELS = 8;
export const POOL_LIN = 9;
export const POOL_FN = 10; // a POOLING_* code below

// out = in + in2 over (FEATURES, ld)
export const OP_ADD = 5;
export const ADD_IN2 = 8;
export const ADD_DIN2 = 9;
export const ADD_FEATURES = 10;

// GRU over the T input positions: x (T, ld) -> (T, D*H, ld)
export const OP_GRU = 6;
export const GRU_T = 8;
export const GRU_H = 9;
export const GRU_D = 10; // directions: 1 or 2
export const GRU_WORKSPACE = 11; // nn/gru.ts's workspace
export const GRU_X = 12; // x staged batch-major (ld, T)
export const GRU_Y = 13; // output / its gradient staged batch-major (ld, T*D*H)

// activation functions (ACT_FN)
export const ACTIVATION_IDENTITY = 0;
export const ACTIVATION_RELU = 1;
export const ACTIVATION_TANH = 2;
export const ACTIVATION_SIGMOID = 3;
export const ACTIVATION_ELU = 4;
export const ACTIVATION_SOFTPLUS = 5;
export const ACTIVATION_SWISH = 6;
export const ACTIVATION_GELU = 7;

// pooling functions (POOL_FN)
export const POOLING_MAX = 0;
export const POOLING_AVG = 1;
export const POOLING_L2 = 2;

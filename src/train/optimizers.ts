// The optimizers, listed once: the name a config uses, the engine's code for it
// (assembly/abi/state.ts; the update formulas are in assembly/nn/optim.ts) and how
// many parameter-sized state buffers it keeps (momentum / square average; Adam's m and v).
import { OPT_ADAM, OPT_RMSPROP, OPT_SGD } from '../../assembly/abi/state.js';

export const OPTIMIZER_TABLE = {
  adam: { code: OPT_ADAM, stateBuffers: 2 },
  sgd: { code: OPT_SGD, stateBuffers: 1 },
  rmsprop: { code: OPT_RMSPROP, stateBuffers: 1 },
} as const;

export type OptimizerName = keyof typeof OPTIMIZER_TABLE;

/** The optimizer names, in the order help texts and errors list them. */
export const OPTIMIZERS = Object.keys(OPTIMIZER_TABLE) as [OptimizerName, ...OptimizerName[]];

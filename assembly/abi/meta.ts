// The meta-learning entries' codes (assembly/meta.ts, src/meta/meta-gradient.ts): the
// same kind of plain table as plan.ts and state.ts, imported by both sides.

// the classifier's activation: ACTIVATION_TANH, _ELU, _RELU, _SIGMOID, _SOFTPLUS or _SWISH
// (plan.ts), the learned f = elu + scale·g, or a piecewise-linear function (nn/piecewise-activation.ts)
export const META_ACT_LEARNED = 100;
export const META_ACT_PIECEWISE = 101;
// the inner optimizer
export const META_OPT_SGD = 0;
export const META_OPT_RMSPROP = 1; // the notebook's RMSprop

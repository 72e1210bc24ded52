// The meta-problem format of ../shared/reference/torch/meta/*.json (`problem`): an
// MLP IN-H-C trained for K steps of SGD or the notebook's RMSprop on the default
// MNIST-1D training rows in order, its meta-loss the mean of the last M training
// losses; its activation fixed (tanh, elu, relu, sigmoid, softplus, swish), learned
// (`activation`) or piecewise-linear (`piecewise`, the activation study's baseline). One strict schema, plus the checks that tie the fields together (sizes,
// lengths of the initial parameters, of g's parameters and of the noise).
import { z } from 'zod';
import { ConfigError, finite, integer, oneOf, parseConfig } from '../schema.js';

/** The default dataset's input features and classes, which the problem's sizes must match. */
export const DEFAULT_FEATURES = 40;
export const DEFAULT_CLASSES = 10;
/** Training rows of the default dataset (4000 of 5000). */
export const DEFAULT_TRAIN_ROWS = 4000;
/** The classifier's activation: a fixed one, the learned f = elu + scale·g (`activation`), or a piecewise-linear one (`piecewise`). */
export const MODEL_ACTIVATIONS = ['tanh', 'elu', 'relu', 'sigmoid', 'softplus', 'swish', 'learned', 'piecewise'] as const;

const numbers = z.array(finite(), { error: 'must be an array of finite numbers' });
const size = (max: number) => integer({ min: 1, max });

const sgd = z.strictObject({ name: z.literal('sgd'), lr: finite({ min: 0, exclusiveMin: true }).optional() });
const rmsprop = z.strictObject({
  name: z.literal('rmsprop-notebook'),
  lr: finite({ min: 0, exclusiveMin: true }),
  alpha: finite({ min: 0, max: 1 }),
  eps: finite({ min: 0 }),
  squareAvgInit: finite({ min: 0 }),
});

const problemSchema = z.strictObject({
  dataset: oneOf(['default']),
  rows: oneOf(['sequential']),
  batchSize: size(DEFAULT_TRAIN_ROWS),
  steps: size(100_000),
  metaLoss: z.strictObject({ lastLosses: size(100_000) }),
  model: z.strictObject({
    sizes: z.tuple([size(4096), size(4096), size(4096)], { error: 'must be [inputs, hidden, classes]' }),
    activation: oneOf(MODEL_ACTIVATIONS),
  }),
  optimizer: z.discriminatedUnion('name', [sgd, rmsprop], { error: 'must be {name: "sgd"} or {name: "rmsprop-notebook", lr, alpha, eps, squareAvgInit}' }),
  activation: z
    .strictObject({
      base: oneOf(['elu']),
      scale: finite(),
      sizes: z.tuple([integer({ min: 1, max: 1 }), size(4096), integer({ min: 1, max: 1 })], { error: 'must be [1, hidden, 1]' }),
      hidden: oneOf(['tanh']),
      params: numbers,
    })
    .nullable()
    .optional(),
  noise: z
    .strictObject({ inner: z.array(numbers, { error: 'must be an array (one per step)' }), activation: z.array(numbers, { error: 'must be an array (one per step)' }).optional() })
    .nullable()
    .optional(),
  piecewise: z
    .strictObject({
      breaks: numbers,
      coefficients: z.array(z.tuple([finite(), finite()]), { error: 'must be [slope, intercept] pairs, one per segment' }),
    })
    .optional(),
  initialParams: numbers,
});

export type MetaProblem = z.output<typeof problemSchema>;

/** Sizes derived from a validated problem. */
export interface MetaShape {
  inputs: number;
  hidden: number;
  classes: number;
  /** g's hidden units (0 without a learned activation). */
  activationHidden: number;
  /** Length of the flat classifier parameters: W1, b1, W2, b2. */
  params: number;
}

/** Flat parameters of an MLP with sizes [inputs, hidden, classes]. */
export function mlpParamCount(inputs: number, hidden: number, classes: number): number {
  return hidden * inputs + hidden + classes * hidden + classes;
}

function lengthError(field: string, got: number, want: string): ConfigError {
  return new ConfigError(`${field} must have ${want}, got ${got}`, field);
}

/** Validates a meta-problem (the fixtures' `problem` object); errors name the field. */
export function parseMetaProblem(input: unknown, where = 'problem'): { problem: MetaProblem; shape: MetaShape } {
  const problem = parseConfig(problemSchema, input, where);
  const at = (field: string) => `${where}.${field}`;
  const [inputs, hidden, classes] = problem.model.sizes;
  if (inputs !== DEFAULT_FEATURES || classes !== DEFAULT_CLASSES) {
    throw new ConfigError(`${at('model.sizes')} must start with ${DEFAULT_FEATURES} inputs and end with ${DEFAULT_CLASSES} classes (the default dataset), got ${JSON.stringify(problem.model.sizes)}`, at('model.sizes'));
  }
  if (problem.metaLoss.lastLosses > problem.steps) {
    throw new ConfigError(`${at('metaLoss.lastLosses')} must be at most steps (${problem.steps}), got ${problem.metaLoss.lastLosses}`, at('metaLoss.lastLosses'));
  }
  const params = mlpParamCount(inputs, hidden, classes);
  if (problem.initialParams.length !== params) {
    throw lengthError(at('initialParams'), problem.initialParams.length, `${params} values (W1, b1, W2, b2 of [${problem.model.sizes}])`);
  }
  const learned = problem.model.activation === 'learned';
  if (learned !== !!problem.activation) {
    throw new ConfigError(learned ? `${at('activation')} is required when model.activation is "learned"` : `${at('activation')} applies only when model.activation is "learned", got ${problem.model.activation}`, at('activation'));
  }
  const activationHidden = problem.activation ? problem.activation.sizes[1] : 0;
  if (problem.activation && problem.activation.params.length !== 3 * activationHidden + 1) {
    throw lengthError(at('activation.params'), problem.activation.params.length, `${3 * activationHidden + 1} values (3 * ${activationHidden} + 1)`);
  }
  if ((problem.model.activation === 'piecewise') !== !!problem.piecewise) {
    throw new ConfigError(problem.piecewise ? `${at('piecewise')} applies only when model.activation is "piecewise", got ${problem.model.activation}` : `${at('piecewise')} is required when model.activation is "piecewise"`, at('piecewise'));
  }
  if (problem.piecewise) checkPiecewise(problem.piecewise, at('piecewise'));
  if (problem.noise) checkNoise(problem.noise, problem.steps, hidden, activationHidden, at('noise'));
  return { problem, shape: { inputs, hidden, classes, activationHidden, params } };
}

function checkNoise(noise: NonNullable<MetaProblem['noise']>, steps: number, hidden: number, activationHidden: number, where: string): void {
  const check = (rows: number[][], width: number, field: string) => {
    if (rows.length !== steps) throw lengthError(`${where}.${field}`, rows.length, `one row per step (${steps})`);
    rows.forEach((row, s) => {
      if (row.length !== width) throw lengthError(`${where}.${field}.${s}`, row.length, `${width} values`);
    });
  };
  check(noise.inner, hidden, 'inner');
  if (activationHidden && !noise.activation) throw new ConfigError(`${where}.activation is required with a learned activation`, `${where}.activation`);
  if (!activationHidden && noise.activation) throw new ConfigError(`${where}.activation applies only with a learned activation`, `${where}.activation`);
  if (noise.activation) check(noise.activation, activationHidden, 'activation');
}

function checkPiecewise(piecewise: NonNullable<MetaProblem['piecewise']>, where: string): void {
  const { breaks, coefficients } = piecewise;
  if (coefficients.length !== breaks.length + 1) throw lengthError(`${where}.coefficients`, coefficients.length, `one pair per segment (${breaks.length + 1})`);
  breaks.forEach((b, i) => {
    if (i > 0 && !(b > breaks[i - 1])) throw new ConfigError(`${where}.breaks must increase, got ${b} after ${breaks[i - 1]}`, `${where}.breaks.${i}`);
  });
}

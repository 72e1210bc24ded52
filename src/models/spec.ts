// Model specs as plain data: an input size, a class count and a list of layers.
// `validateModel` checks the structure (zod) and then the shapes, layer by layer,
// with errors such as "layer 2 (dense): expects 125 inputs, got 100".
//
// Shapes are (channels, length); the flat input of F features is (1, F) and a flat
// vector of n features is (n, 1). Dense needs a flat input (one of the two is 1);
// flatten turns (C, L) into (C*L, 1) with index c*L + t (PyTorch's channel-major
// view). A GRU's output is (T, D*H) so that flatten gives t*D*H + dir*H + k.
import { z } from 'zod';
import { ConfigError, boolean, integer, oneOf, parseConfig } from '../schema.js';

export const ACTIVATIONS = ['identity', 'relu', 'tanh', 'sigmoid', 'elu', 'softplus', 'swish', 'silu', 'gelu'] as const;
export type ActivationKind = (typeof ACTIVATIONS)[number];
export const POOLS = ['max', 'avg', 'l2'] as const;
export type PoolFn = (typeof POOLS)[number];

export interface DenseLayer {
  kind: 'dense';
  in: number;
  out: number;
  name?: string;
}
export interface Conv1dLayer {
  kind: 'conv1d';
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number; // default 1
  padding?: number; // default 0 (zeros)
  name?: string;
}
export interface ActivationLayer {
  kind: 'activation';
  fn: ActivationKind;
}
/** Window 2, stride 2 (PyTorch max_pool1d / avg_pool1d / lp_pool1d norm 2). */
export interface PoolLayer {
  kind: 'pool';
  fn: PoolFn;
}
export interface FlattenLayer {
  kind: 'flatten';
}
/** out = x + body(x); the body must keep the shape. */
export interface ResidualLayer {
  kind: 'residual';
  body: LayerSpec[];
}
/** Single-layer GRU with input size 1 over the input's positions; must be the first layer. */
export interface GruLayer {
  kind: 'gru';
  hidden: number;
  bidirectional: boolean;
  name?: string;
}
export type LayerSpec = DenseLayer | Conv1dLayer | ActivationLayer | PoolLayer | FlattenLayer | ResidualLayer | GruLayer;

export interface ModelSpec {
  inputFeatures: number;
  classes: number;
  layers: LayerSpec[];
}

export interface Shape {
  c: number;
  l: number;
}

const size = (max = 1 << 20) => integer({ min: 1, max });
const name = z.string().regex(/^[A-Za-z_][\w.]*$/, { error: 'must be an identifier such as linear1' }).optional();

const layerSchema: z.ZodType<LayerSpec> = z.lazy(() =>
  z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('dense'), in: size(), out: size(), name }),
      z.strictObject({
        kind: z.literal('conv1d'),
        inChannels: size(),
        outChannels: size(),
        kernel: size(1024),
        stride: size(1024).optional(),
        padding: integer({ min: 0, max: 1024 }).optional(),
        name,
      }),
      z.strictObject({ kind: z.literal('activation'), fn: oneOf(ACTIVATIONS) }),
      z.strictObject({ kind: z.literal('pool'), fn: oneOf(POOLS) }),
      z.strictObject({ kind: z.literal('flatten') }),
      z.strictObject({ kind: z.literal('residual'), body: z.array(layerSchema).min(1, { error: 'must hold at least one layer' }) }),
      z.strictObject({ kind: z.literal('gru'), hidden: size(4096), bidirectional: boolean(), name }),
    ],
    { error: 'must be one of dense, conv1d, activation, pool, flatten, residual, gru' },
  ),
);

const modelSchema = z.strictObject({
  inputFeatures: size(),
  classes: integer({ min: 2, max: 1 << 16 }),
  layers: z.array(layerSchema).min(1, { error: 'must hold at least one layer' }),
});

/** Conv1d output length (PyTorch): floor((L + 2P - K) / S) + 1. */
export function convLength(l: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((l + 2 * padding - kernel) / stride) + 1;
}

const describe = (s: Shape) => (s.l === 1 ? `${s.c} features` : s.c === 1 ? `${s.l} features` : `${s.c} channels x ${s.l} positions`);

/**
 * Walks the layers with their shapes, calling `visit` for each (nested residual
 * bodies included, label "2.1" for body layer 1 of layer 2). Throws a ConfigError
 * naming the layer on any mismatch. Returns the output shape.
 */
export function walkShapes(
  layers: LayerSpec[],
  input: Shape,
  visit: (layer: LayerSpec, label: string, input: Shape, output: Shape) => void = () => {},
  prefix = '',
  first = true,
): Shape {
  let shape = input;
  layers.forEach((layer, i) => {
    const label = `${prefix}${i}`;
    const fail = (what: string): never => {
      throw new ConfigError(`layer ${label} (${layer.kind}): ${what}`, `layers.${label}`);
    };
    let out: Shape;
    switch (layer.kind) {
      case 'dense': {
        if (shape.c !== 1 && shape.l !== 1) fail(`input is ${describe(shape)}; add a flatten layer before it`);
        const n = shape.c * shape.l;
        if (n !== layer.in) fail(`expects ${layer.in} inputs, got ${n}`);
        out = { c: layer.out, l: 1 };
        break;
      }
      case 'conv1d': {
        if (shape.c !== layer.inChannels) fail(`expects ${layer.inChannels} input channels, got ${shape.c}`);
        const l = convLength(shape.l, layer.kernel, layer.stride ?? 1, layer.padding ?? 0);
        if (l < 1) fail(`kernel ${layer.kernel} with padding ${layer.padding ?? 0} does not fit an input of length ${shape.l}`);
        out = { c: layer.outChannels, l };
        break;
      }
      case 'pool':
        if (shape.l < 2) fail(`needs an input length >= 2, got ${shape.l}`);
        out = { c: shape.c, l: Math.floor(shape.l / 2) };
        break;
      case 'flatten':
        out = { c: shape.c * shape.l, l: 1 };
        break;
      case 'activation':
        out = shape;
        break;
      case 'residual': {
        out = walkShapes(layer.body, shape, visit, `${label}.`, false);
        if (out.c !== shape.c || out.l !== shape.l) fail(`its body maps ${describe(shape)} to ${describe(out)}; a residual must keep the shape`);
        break;
      }
      case 'gru':
        if (!first || i !== 0) fail('must be the first layer (the GRU kernel takes the data as input and has no input gradient)');
        if (shape.c !== 1) fail(`expects input size 1 (a sequence), got ${describe(shape)}`);
        out = { c: shape.l, l: (layer.bidirectional ? 2 : 1) * layer.hidden };
        break;
    }
    visit(layer, label, shape, out);
    shape = out;
  });
  return shape;
}

/** Validates a model spec (structure, then shapes); returns it typed. */
export function validateModel(input: unknown, where = 'model'): ModelSpec {
  const spec = parseConfig(modelSchema, input, where) as ModelSpec;
  const out = walkShapes(spec.layers, { c: 1, l: spec.inputFeatures });
  if (out.l !== 1 && out.c !== 1) {
    throw new ConfigError(`${where}: the last layer outputs ${describe(out)}; end with flatten and a dense layer of ${spec.classes} outputs`, `${where}.layers`);
  }
  if (out.c * out.l !== spec.classes) {
    throw new ConfigError(`${where}: the last layer outputs ${out.c * out.l} features, expected one per class (${spec.classes})`, `${where}.layers`);
  }
  return spec;
}

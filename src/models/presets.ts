// The MNIST-1D paper's networks as model specs, with PyTorch's parameter names
// (the reference models.py / notebooks), so that named_parameters() order and
// layout match and the fixtures in ../shared/reference/torch load directly.
import { POOLS, type LayerSpec, type ModelSpec } from './spec.js';

const relu: LayerSpec = { kind: 'activation', fn: 'relu' };
const CLASSES = 10;

/** The pooling study's conv-net variants: no pooling, stride-2 convs instead, or window-2 pooling. */
export const POOL_KINDS = ['none', 'stride', ...POOLS] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

/**
 * Each preset's sizes when a run does not give them (the paper's): the one source of
 * the presets' defaults, the run config's, and the CLI's help. A model takes exactly
 * the size fields listed here.
 */
export const MODEL_DEFAULTS = {
  linear: {},
  mlp: { hidden: 100 },
  mlp3: { hidden: 100 },
  gru: { hidden: 6 },
  cnn: { channels: 25 },
  convpool: { channels: 20, pool: 'max' },
} as const satisfies Record<string, ModelSizes>;

export interface ModelSizes {
  hidden?: number;
  channels?: number;
  pool?: PoolKind;
}

/** Logistic regression: Linear(F -> 10). */
export function linearModel(features = 40): ModelSpec {
  return { inputFeatures: features, classes: CLASSES, layers: [{ kind: 'dense', in: features, out: CLASSES, name: 'linear' }] };
}

/** The paper MLP: h1 = relu(W1 x); h = h1 + relu(W2 h1); out = W3 h. */
export function mlpModel(hidden: number = MODEL_DEFAULTS.mlp.hidden, features = 40): ModelSpec {
  return {
    inputFeatures: features,
    classes: CLASSES,
    layers: [
      { kind: 'dense', in: features, out: hidden, name: 'linear1' },
      relu,
      { kind: 'residual', body: [{ kind: 'dense', in: hidden, out: hidden, name: 'linear2' }, relu] },
      { kind: 'dense', in: hidden, out: CLASSES, name: 'linear3' },
    ],
  };
}

/** Linear(F, h) relu Linear(h, h) relu Linear(h, 10) (deep double descent). */
export function mlp3Model(hidden: number = MODEL_DEFAULTS.mlp3.hidden, features = 40): ModelSpec {
  return {
    inputFeatures: features,
    classes: CLASSES,
    layers: [
      { kind: 'dense', in: features, out: hidden, name: 'linear1' },
      relu,
      { kind: 'dense', in: hidden, out: hidden, name: 'linear2' },
      relu,
      { kind: 'dense', in: hidden, out: CLASSES, name: 'linear3' },
    ],
  };
}

/** The paper CNN with c channels: three conv(k, stride 2, pad 1) + relu, flatten, Linear. */
export function cnnModel(channels: number = MODEL_DEFAULTS.cnn.channels, features = 40): ModelSpec {
  const conv = (name: string, inChannels: number, kernel: number): LayerSpec => ({
    kind: 'conv1d', inChannels, outChannels: channels, kernel, stride: 2, padding: 1, name,
  });
  let length = features;
  for (const k of [5, 3, 3]) length = Math.floor((length + 2 - k) / 2) + 1;
  return {
    inputFeatures: features,
    classes: CLASSES,
    layers: [
      conv('conv1', 1, 5), relu, conv('conv2', channels, 3), relu, conv('conv3', channels, 3), relu,
      { kind: 'flatten' },
      { kind: 'dense', in: channels * length, out: CLASSES, name: 'linear' },
    ],
  };
}

/** GRU (input size 1, zero initial state) over the positions; all outputs flattened -> Linear. */
export function gruModel(hidden: number = MODEL_DEFAULTS.gru.hidden, bidirectional = true, features = 40): ModelSpec {
  return {
    inputFeatures: features,
    classes: CLASSES,
    layers: [
      { kind: 'gru', hidden, bidirectional, name: 'gru' },
      { kind: 'flatten' },
      { kind: 'dense', in: features * (bidirectional ? 2 : 1) * hidden, out: CLASSES, name: 'linear' },
    ],
  };
}

/**
 * The pooling study's CNN (benchmark-pooling notebook): conv(1->c, k3, p1) relu [pool]
 * conv(c->c, k3, p1) relu [pool] flatten Linear. 'none': stride 1, no pooling;
 * 'stride': the convs take stride 2 instead of pooling; max/avg/l2: window-2 pooling.
 */
export function convPoolModel(pool: PoolKind = MODEL_DEFAULTS.convpool.pool, channels: number = MODEL_DEFAULTS.convpool.channels, features = 40): ModelSpec {
  const stride = pool === 'stride' ? 2 : 1;
  const pooling: LayerSpec[] = pool === 'none' || pool === 'stride' ? [] : [{ kind: 'pool', fn: pool }];
  let length = features;
  for (let i = 0; i < 2; i++) {
    length = Math.floor((length + 2 - 3) / stride) + 1;
    if (pooling.length) length = Math.floor(length / 2);
  }
  const conv = (name: string, inChannels: number): LayerSpec => ({ kind: 'conv1d', inChannels, outChannels: channels, kernel: 3, stride, padding: 1, name });
  return {
    inputFeatures: features,
    classes: CLASSES,
    layers: [
      conv('conv1', 1), relu, ...pooling,
      conv('conv2', channels), relu, ...pooling,
      { kind: 'flatten' },
      { kind: 'dense', in: channels * length, out: CLASSES, name: 'linear' },
    ],
  };
}

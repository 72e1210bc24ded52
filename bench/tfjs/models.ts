// The paper's models in TF.js, trained with the same step as our engine:
// forward, softmax cross-entropy (mean over the batch), backward, optimizer
// update. Built from the same RunConfig fields our engine reads.
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/train/types.js';
import { bidirectionalGru, conv1d, convOutLength, dense, ParamFactory, type ConvShape, type Layer, type NamedParam } from './layers.js';

export type TfModelName = 'linear' | 'mlp' | 'cnn' | 'gru' | 'mlp3';
export type TfModelConfig = Pick<RunConfig, 'optimizer' | 'lr' | 'momentum'> & {
  model: TfModelName;
  hidden?: number; // mlp (default 100), mlp3 (required), gru (default 6)
  channels?: number; // cnn (default 25)
};

/** One batch: x (B, 40) and one-hot labels (B, 10). */
export interface TfBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

export interface TfModel {
  readonly params: NamedParam[];
  readonly paramCount: number;
  logits(x: tf.Tensor2D): tf.Tensor2D;
  /** Mean cross-entropy on a batch, without training. */
  loss(batch: TfBatch): number;
  /** One training step: forward + backward + optimizer update. */
  step(batch: TfBatch): void;
  dispose(): void;
}

const INPUTS = 40;
const CLASSES = 10;

export function buildTfModel(config: TfModelConfig, seed: number): TfModel {
  const p = new ParamFactory(seed);
  const forward = buildForward(config, p);
  const params = p.params;
  const variables = params.map((q) => q.variable);
  const optimizer = makeOptimizer(config);
  const crossEntropy = (batch: TfBatch) => tf.losses.softmaxCrossEntropy(batch.y, forward(batch.x)) as tf.Scalar;
  return {
    params,
    paramCount: variables.reduce((n, v) => n + v.size, 0),
    logits: (x) => tf.tidy(() => forward(x) as tf.Tensor2D),
    loss: (batch) => tf.tidy(() => crossEntropy(batch).dataSync()[0]),
    step: (batch) => tf.tidy(() => void optimizer.minimize(() => crossEntropy(batch), false, variables)),
    dispose() {
      optimizer.dispose();
      for (const v of variables) v.dispose();
    },
  };
}

function buildForward(config: TfModelConfig, p: ParamFactory): Layer {
  switch (config.model) {
    case 'linear':
      return dense(p, 'linear', INPUTS, CLASSES);
    case 'mlp': {
      // h1 = relu(L1 x); h = h1 + relu(L2 h1); out = L3 h (the paper's residual MLP).
      const h = config.hidden ?? 100;
      const [l1, l2, l3] = [dense(p, 'linear1', INPUTS, h), dense(p, 'linear2', h, h), dense(p, 'linear3', h, CLASSES)];
      return (x) => {
        const h1 = tf.relu(l1(x));
        return l3(tf.add(h1, tf.relu(l2(h1))));
      };
    }
    case 'mlp3': {
      const h = config.hidden;
      if (h === undefined) throw new Error('mlp3 needs hidden');
      const [l1, l2, l3] = [dense(p, 'linear1', INPUTS, h), dense(p, 'linear2', h, h), dense(p, 'linear3', h, CLASSES)];
      return (x) => l3(tf.relu(l2(tf.relu(l1(x)))));
    }
    case 'cnn': {
      // conv(1->c,k5,s2,p1) relu conv(c->c,k3,s2,p1) relu conv(c->c,k3,s2,p1) relu, flatten, Linear(5c->10).
      const c = config.channels ?? 25;
      const s1: ConvShape = { inChannels: 1, outChannels: c, kernel: 5, stride: 2, padding: 1, inLength: INPUTS };
      const s2: ConvShape = { inChannels: c, outChannels: c, kernel: 3, stride: 2, padding: 1, inLength: convOutLength(s1) };
      const s3: ConvShape = { ...s2, inLength: convOutLength(s2) };
      const length = convOutLength(s3);
      const convs = [conv1d(p, 'conv1', s1), conv1d(p, 'conv2', s2), conv1d(p, 'conv3', s3)];
      const linear = dense(p, 'linear', c * length, CLASSES);
      return (x) => {
        let h: tf.Tensor = x.reshape([x.shape[0], INPUTS, 1]);
        for (const conv of convs) h = tf.relu(conv(h));
        // (B, L, C) -> (B, C, L): flatten channel-major as PyTorch does.
        return linear(tf.transpose(h, [0, 2, 1]).reshape([x.shape[0], c * length]));
      };
    }
    case 'gru': {
      const h = config.hidden ?? 6;
      const gru = bidirectionalGru(p, 'gru', h);
      const linear = dense(p, 'linear', INPUTS * 2 * h, CLASSES);
      return (x) => linear(gru(x));
    }
  }
}

/** PyTorch's Adam (betas 0.9/0.999, eps 1e-8: TF.js defaults eps to 1e-7) or SGD with momentum. */
function makeOptimizer(config: TfModelConfig): tf.Optimizer {
  switch (config.optimizer) {
    case 'adam':
      return tf.train.adam(config.lr, 0.9, 0.999, 1e-8);
    case 'sgd':
      return config.momentum > 0 ? tf.train.momentum(config.lr, config.momentum) : tf.train.sgd(config.lr);
    case 'rmsprop':
      throw new Error('the TF.js comparison has no rmsprop model; optimizer must be adam or sgd');
  }
}

// TF.js layers of the paper's models, written with plain tf ops so that every
// one trains on the wasm backend. Parameters carry PyTorch's names and default
// init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, but TF.js's
// layouts (those tf.layers uses: weights as (IN, OUT)), because the wasm
// backend's matMul is about 10x slower with a transpose flag than without.
import * as tf from '@tensorflow/tfjs';

export interface NamedParam {
  name: string; // PyTorch's named_parameters() name
  variable: tf.Variable;
}

/** Creates parameters with PyTorch's default init from consecutive seeds. */
export class ParamFactory {
  readonly params: NamedParam[] = [];
  constructor(private seed: number) {}

  uniform(name: string, shape: number[], fanIn: number): tf.Variable {
    const bound = 1 / Math.sqrt(fanIn);
    const variable = tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', this.seed++));
    this.params.push({ name, variable });
    return variable;
  }
}

export type Layer = (x: tf.Tensor) => tf.Tensor;

/** Linear: x (B, IN) -> x W + b (B, OUT); W (IN, OUT) = PyTorch's weight transposed, b (OUT). */
export function dense(p: ParamFactory, name: string, inputs: number, outputs: number): Layer {
  const w = p.uniform(`${name}.weight`, [inputs, outputs], inputs);
  const b = p.uniform(`${name}.bias`, [outputs], inputs);
  return (x) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
}

export interface ConvShape {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  inLength: number;
}

export function convOutLength(s: ConvShape): number {
  return Math.floor((s.inLength + 2 * s.padding - s.kernel) / s.stride) + 1;
}

/**
 * Conv1d (cross-correlation, zero padding) as im2col + matMul: x (B, L, C) ->
 * (B, Lout, OUT). The wasm backend has no Conv2DBackpropFilter (nor a
 * StridedSlice gradient), so the patches are taken with reshape + slice only:
 * the padded input is viewed as (B, Lp/stride, stride, C) and tap j is the
 * slice starting at [j div stride, j mod stride]. Patch rows are ordered
 * (tap, channel), so W is (K*C, OUT) = PyTorch's (OUT, C, K) transposed to
 * (K, C, OUT); the bias is PyTorch's (OUT).
 */
export function conv1d(p: ParamFactory, name: string, s: ConvShape): Layer {
  const { inChannels: c, outChannels: out, kernel: k, stride, padding } = s;
  const fanIn = c * k;
  const w = p.uniform(`${name}.weight`, [k * c, out], fanIn);
  const b = p.uniform(`${name}.bias`, [out], fanIn);
  const lOut = convOutLength(s);
  // Right padding beyond `padding` only rounds the length up to a multiple of
  // the stride; no tap reads it.
  const padded = Math.ceil((s.inLength + 2 * padding) / stride) * stride;
  const padRight = padded - s.inLength - padding;
  return (x) => {
    const batch = x.shape[0];
    const xp = tf.pad(x as tf.Tensor3D, [[0, 0], [padding, padRight], [0, 0]]).reshape([batch, padded / stride, stride, c]);
    const taps: tf.Tensor[] = [];
    for (let j = 0; j < k; j++) {
      taps.push(tf.slice(xp, [0, Math.floor(j / stride), j % stride, 0], [batch, lOut, 1, c]));
    }
    const patches = tf.concat(taps, 2).reshape([batch * lOut, k * c]);
    return tf.add(tf.matMul(patches as tf.Tensor2D, w as tf.Tensor2D), b).reshape([batch, lOut, out]);
  };
}

/**
 * Bidirectional GRU over x (B, T) with input size 1 and zero initial state ->
 * (B, T*2H) flattened as PyTorch's output[b, t, dir*H + k]. PyTorch's equations
 * and gate order [r | z | n]: r, z = sigma(W_i x + b_i + W_h h + b_h);
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (1 - z) n + z h.
 * Per direction W_ih (1, 3H) and W_hh (H, 3H) (PyTorch's transposed; columns
 * in gate order), b_ih and b_hh (3H).
 */
export function bidirectionalGru(p: ParamFactory, name: string, hidden: number): Layer {
  const directions = ['', '_reverse'].map((suffix) => ({
    wih: p.uniform(`${name}.weight_ih_l0${suffix}`, [1, 3 * hidden], hidden),
    whh: p.uniform(`${name}.weight_hh_l0${suffix}`, [hidden, 3 * hidden], hidden),
    bih: p.uniform(`${name}.bias_ih_l0${suffix}`, [3 * hidden], hidden),
    bhh: p.uniform(`${name}.bias_hh_l0${suffix}`, [3 * hidden], hidden),
  }));
  return (x) => {
    const [batch, steps] = x.shape;
    const column = x.reshape([batch * steps, 1]) as tf.Tensor2D;
    const outputs = directions.map(({ wih, whh, bih, bhh }, dir) => {
      // Input projections of all steps at once: (B, T, 3H) -> T tensors (B, 3H).
      const gi = tf.unstack(tf.add(tf.matMul(column, wih as tf.Tensor2D), bih).reshape([batch, steps, 3 * hidden]), 1);
      let h: tf.Tensor = tf.zeros([batch, hidden]);
      const states: tf.Tensor[] = new Array(steps);
      for (let i = 0; i < steps; i++) {
        const t = dir === 0 ? i : steps - 1 - i;
        const gh = tf.add(tf.matMul(h as tf.Tensor2D, whh as tf.Tensor2D), bhh);
        const [ir, iz, inn] = tf.split(gi[t], 3, 1);
        const [hr, hz, hn] = tf.split(gh, 3, 1);
        const r = tf.sigmoid(tf.add(ir, hr));
        const z = tf.sigmoid(tf.add(iz, hz));
        const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
        h = tf.add(n, tf.mul(z, tf.sub(h, n))); // (1 - z) n + z h
        states[t] = h;
      }
      return tf.stack(states, 1); // (B, T, H)
    });
    return tf.concat(outputs, 2).reshape([batch, steps * 2 * hidden]);
  };
}

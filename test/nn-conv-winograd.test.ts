// The Winograd F(5,2) kernels for kernel-3 / stride-2 / padding-1 convolutions of 30+
// channels (assembly/nn/conv-winograd.ts) against the direct conv kernels (which
// test/nn-gradcheck and test/nn-parity check against float64 and PyTorch), on the
// same parameters and batch. Blocks of 5 outputs with and without a last odd input
// inside x, and positions past the last block, all occur: the paper CNN's conv2 maps
// 19 -> 10 (two blocks), conv3 10 -> 5; the third model 40 -> 20 -> 10; the fourth
// 14 -> 7 (a block and two direct positions) and 7 -> 4 (direct: too short for a
// block), the fifth 13 -> 7. Tolerance (float32 sums in another order): per tensor
// ||wino - direct|| / ||direct|| <= 1e-5 for the logits and every gradient, and the
// loss within 1e-6 relative.
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnModel } from '../src/models/presets.js';
import type { LayerSpec, ModelSpec } from '../src/models/spec.js';
import { Engine } from '../src/train/engine.js';
import { Trainer } from '../src/train/trainer.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const FEATURES = 40;
let seed = 5;
const x = Float32Array.from({ length: 100 * FEATURES }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
const y = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 10);

/**
 * Convolutions [in, out, kernel, stride] with padding 1 over the 40 positions, relu
 * after the first and tanh after the second (if more follow), then a dense layer.
 */
function convStack(convs: [number, number, number, number][]): ModelSpec {
  const layers: LayerSpec[] = [];
  let length = FEATURES;
  convs.forEach(([inChannels, outChannels, kernel, stride], i) => {
    layers.push({ kind: 'conv1d', inChannels, outChannels, kernel, stride, padding: 1 });
    length = Math.floor((length + 2 - kernel) / stride) + 1;
    if (i < convs.length - 1) layers.push({ kind: 'activation', fn: i === 0 ? 'relu' : 'tanh' });
  });
  const channels = convs[convs.length - 1][1];
  return { inputFeatures: FEATURES, classes: 10, layers: [...layers, { kind: 'flatten' }, { kind: 'dense', in: channels * length, out: 10 }] };
}

/** Three stride-2 convolutions on the full 40 positions, the first one too narrow for Winograd. */
const evenLengths = convStack([[1, 44, 3, 1], [44, 40, 3, 2], [40, 48, 3, 2]]); // 40 -> 40 -> 20 -> 10
/** Output lengths that are not multiples of the block (7), or shorter than one (4). */
const unevenLengths = convStack([[1, 32, 3, 3], [32, 40, 3, 2], [40, 36, 3, 2]]); // 40 -> 14 -> 7 -> 4
/** An odd input length with a remainder. */
const oddRemainder = convStack([[1, 32, 5, 3], [32, 44, 3, 2]]); // 40 -> 13 -> 7

function outcome(model: ModelSpec, batch: number, winograd: boolean) {
  const t = new Trainer(engine, model, { optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: batch, seed: 9, winograd });
  try {
    const xs = x.subarray(0, batch * FEATURES), ys = y.subarray(0, batch);
    const logits = t.forward(xs, batch);
    const { loss, grads } = t.gradients(xs, ys);
    return { logits, loss, grads, layout: t.layout() };
  } finally {
    t.dispose();
  }
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

const MODELS: [string, ModelSpec][] = [
  ['paper CNN, 40 channels', cnnModel(40)],
  ['paper CNN, 64 channels', cnnModel(64)],
  ['stride-2 convolutions 40 -> 20 -> 10', evenLengths],
  ['stride-2 convolutions 14 -> 7 -> 4', unevenLengths],
  ['stride-2 convolution 13 -> 7', oddRemainder],
];

describe.each(MODELS)('Winograd convolutions: %s', (_name, model) => {
  it.each([100, 7, 3])('batch %i: logits, loss and gradients match the direct kernels', (batch) => {
    const direct = outcome(model, batch, false);
    const wino = outcome(model, batch, true);
    expect(relativeError(wino.logits, direct.logits)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(wino.loss - direct.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(direct.loss));
    for (const p of direct.layout) {
      const err = relativeError(wino.grads.subarray(p.offset, p.offset + p.size), direct.grads.subarray(p.offset, p.offset + p.size));
      expect(err, `${p.name}`).toBeLessThanOrEqual(1e-5);
    }
    // not the same computation: a test of the direct kernels twice would pass too
    expect(wino.grads).not.toEqual(direct.grads);
  });
});

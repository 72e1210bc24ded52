// The run config: paper defaults, per-model sizes, and errors that name the field,
// the value and what is allowed; the model specs the configs describe.
import { describe, expect, it } from 'vitest';
import { defaultDatasetArgs } from '../src/data/args.js';
import { compileModel } from '../src/models/compile.js';
import { cnnModel } from '../src/models/presets.js';
import { validateModel } from '../src/models/spec.js';
import { ConfigError } from '../src/schema.js';
import { trainKind } from '../src/experiments/train-kind.js';
import { checkBatchSize, modelFromConfig, parseRunConfig, totalSteps } from '../src/train/config.js';

describe('parseRunConfig', () => {
  it('fills in the paper defaults', () => {
    expect(parseRunConfig({ model: 'cnn' })).toEqual({
      model: 'cnn', channels: 25, optimizer: 'adam', lr: 0.01, momentum: 0.9, weightDecay: 0, batchSize: 100, steps: 6000,
      batchOrder: 'sequential', evalEvery: 250, seed: 42, shuffleSeq: false, dataset: defaultDatasetArgs(),
    });
    expect(parseRunConfig({ model: 'mlp' }).hidden).toBe(100);
    expect(parseRunConfig({ model: 'gru' }).hidden).toBe(6);
    expect(parseRunConfig({ model: 'convpool' })).toMatchObject({ channels: 20, pool: 'max' });
    expect(parseRunConfig({ model: 'linear' })).not.toHaveProperty('hidden');
    expect(parseRunConfig({ model: 'mlp3', epochs: 500 })).toMatchObject({ epochs: 500 });
    expect(parseRunConfig({ model: 'mlp3', epochs: 500 })).not.toHaveProperty('steps');
  });

  it.each([
    [{}, /^model .*must be one of linear, mlp, cnn, gru, mlp3, convpool/],
    [{ model: 'resnet' }, /^model must be one of linear, mlp, cnn, gru, mlp3, convpool, got "resnet"/],
    [{ model: 'mlp', batchSize: 0 }, /^batchSize must be an integer >= 1 and <= 65536, got 0$/],
    [{ model: 'mlp', lr: -1 }, /^lr must be a number > 0, got -1$/],
    [{ model: 'mlp', steps: 10, epochs: 2 }, /^steps and epochs are exclusive: give one, got steps 10 and epochs 2$/],
    [{ model: 'cnn', hidden: 5 }, /^hidden does not apply to model cnn \(only to mlp, gru, mlp3\), got 5$/],
    [{ model: 'mlp', pool: 'max' }, /^pool does not apply to model mlp \(only to convpool\), got "max"$/],
    [{ model: 'convpool', pool: 'sum' }, /^pool must be one of none, stride, max, avg, l2, got "sum"$/],
    [{ model: 'mlp', optimiser: 'sgd' }, /^unknown field optimiser$/],
    [{ model: 'mlp', dataset: { numSamples: 3 } }, /^dataset\.numSamples must be an integer >= 10/],
    [{ model: 'mlp', momentum: 0.5 }, /^momentum applies to optimizer sgd only; adam does not use it: leave it out, got momentum 0\.5$/],
    [{ model: 'mlp', optimizer: 'rmsprop', momentum: 0 }, /^momentum applies to optimizer sgd only; rmsprop does not use it/],
  ])('rejects %j', (input, message) => {
    expect(() => parseRunConfig(input)).toThrow(ConfigError);
    expect(() => parseRunConfig(input)).toThrow(message);
  });

  it('accepts back the default momentum a parsed config holds with any optimizer, so keys stay as they are', () => {
    const parsed = parseRunConfig({ model: 'mlp' });
    expect(parsed.momentum).toBe(0.9);
    expect(parseRunConfig(parsed)).toEqual(parsed);
    expect(parseRunConfig({ model: 'mlp', optimizer: 'sgd', momentum: 0.5 }).momentum).toBe(0.5);
  });

  it('refuses a batch larger than the training set of its dataset, naming both numbers', () => {
    const config = (batchSize: number) => parseRunConfig({ model: 'mlp', batchSize, dataset: { numSamples: 500 } });
    expect(() => checkBatchSize(config(400))).not.toThrow();
    expect(() => checkBatchSize(config(401))).toThrow(ConfigError);
    expect(() => checkBatchSize(config(500), 'runs[1]')).toThrow(/^runs\[1\]\.batchSize must be at most the training set's 400 examples \(runs\[1\]\.dataset\.numSamples 500 \* runs\[1\]\.dataset\.trainSplit 0\.8\), got 500$/);
    expect(() => trainKind.parseConfig({ model: 'mlp', batchSize: 500, dataset: { numSamples: 500 } }, 'runs[0]')).toThrow(/^runs\[0\]\.batchSize must be at most the training set's 400 examples/);
  });

  it('prefixes errors with where the config came from', () => {
    expect(() => parseRunConfig({ model: 'mlp', seed: 1.5 }, 'runs[3]')).toThrow(/^runs\[3\]\.seed must be an integer >= 0/);
  });

  it('names fields as the caller says, nested dataset args and cross-field rules included', () => {
    const flags = (path: string) => `--${path.replace('.', '-')}`; // "dataset.seed" -> "--dataset-seed"
    expect(() => parseRunConfig({ model: 'mlp', seed: -1 }, flags)).toThrow(/^--seed must be an integer >= 0/);
    expect(() => parseRunConfig({ model: 'mlp', dataset: { seed: -1 } }, flags)).toThrow(/^--dataset-seed must be an integer >= 0/);
    expect(() => parseRunConfig({ model: 'mlp', steps: 1, epochs: 1 }, flags)).toThrow(/^--steps and --epochs are exclusive: give one, got --steps 1 and --epochs 1$/);
  });

  it('counts steps from epochs as ceil(nTrain / batchSize) batches each', () => {
    expect(totalSteps(parseRunConfig({ model: 'mlp3', epochs: 500 }), 4000)).toBe(20000);
    expect(totalSteps(parseRunConfig({ model: 'mlp3', epochs: 2, batchSize: 30 }), 100)).toBe(8);
    expect(totalSteps(parseRunConfig({ model: 'mlp3', steps: 7 }), 100)).toBe(7);
  });
});

describe('model specs', () => {
  it('builds the paper models with PyTorch parameter counts', () => {
    const count = (config: object) => compileModel(modelFromConfig(parseRunConfig(config))).paramCount;
    expect(count({ model: 'linear' })).toBe(410);
    expect(count({ model: 'mlp' })).toBe(15210);
    expect(count({ model: 'cnn' })).toBe(5210);
    expect(count({ model: 'gru' })).toBe(5134);
    expect(count({ model: 'mlp3', hidden: 300 })).toBe(105610);
    expect(count({ model: 'convpool', pool: 'none' })).toBe(1300 + 8010);
    expect(count({ model: 'convpool', pool: 'stride' })).toBe(1300 + 2010);
  });

  it('adapts the sizes to the sequence length', () => {
    expect(modelFromConfig(parseRunConfig({ model: 'cnn', dataset: { finalSeqLength: 60 } })).layers.at(-1)).toMatchObject({ in: 25 * 8 });
    expect(modelFromConfig(parseRunConfig({ model: 'convpool', pool: 'avg' }), 30).layers.at(-1)).toMatchObject({ in: 20 * 7 });
  });

  it.each([
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'dense', in: 100, out: 10 }] }, 'layer 0 (dense): expects 100 inputs, got 40'],
    [{ ...cnnModel(25), layers: cnnModel(25).layers.map((l) => (l.kind === 'dense' ? { ...l, in: 100 } : l)) }, 'layer 7 (dense): expects 100 inputs, got 125'],
    [{ ...cnnModel(25), layers: cnnModel(25).layers.filter((l) => l.kind !== 'flatten') }, 'layer 6 (dense): input is 25 channels x 5 positions; add a flatten layer before it'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'conv1d', inChannels: 2, outChannels: 4, kernel: 3 }] }, 'layer 0 (conv1d): expects 2 input channels, got 1'],
    [{ inputFeatures: 4, classes: 10, layers: [{ kind: 'conv1d', inChannels: 1, outChannels: 4, kernel: 7 }] }, 'layer 0 (conv1d): kernel 7 with padding 0 does not fit an input of length 4'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'dense', in: 40, out: 10 }, { kind: 'residual', body: [{ kind: 'dense', in: 10, out: 5 }] }] }, 'layer 1 (residual): its body maps 10 features to 5 features; a residual must keep the shape'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'dense', in: 40, out: 40 }, { kind: 'gru', hidden: 4, bidirectional: false }] }, 'layer 1 (gru): must be the first layer'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'dense', in: 40, out: 7 }] }, 'the last layer outputs 7 features, expected one per class (10)'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'pool', fn: 'median' }] }, 'model.layers.0.fn must be one of max, avg, l2, got "median"'],
    [{ inputFeatures: 40, classes: 10, layers: [{ kind: 'lstm' }] }, 'model.layers.0.kind must be one of dense, conv1d, activation, pool, flatten, residual, gru'],
  ])('rejects a bad spec naming the layer: %#', (spec, message) => {
    expect(() => validateModel(spec)).toThrow(ConfigError);
    expect(() => validateModel(spec)).toThrow(message);
  });
});

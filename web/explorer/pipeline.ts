// The generation of one example, step by step (template -> padding -> scaling ->
// translation -> correlated noise -> iid noise -> shear -> final resample), as the
// reference's "building MNIST-1D" notebook shows it, from the exact generator:
// each step is the example generated with the later steps switched off. The random
// draws come in a fixed order (padding, scale, translation, noise, shear), so
// switching off a later step never changes an earlier one. Every step but the last
// keeps the padded length (templateLen + padding[1]); the last resamples to
// finalSeqLength. A dataset of 10 examples (one per class, whichever split it lands in) is
// normalised as a whole, so each step is shown up to its own vertical scale.
import type { Generator } from '../../src/data/generator.js';
import type { DatasetArgs } from '../../src/data/types.js';
import type { Cell } from './line-plots.js';

type Step = [name: string, args: (full: DatasetArgs) => Partial<DatasetArgs>];

const OFF = { scaleCoeff: 0, maxTranslation: 1, corrNoiseScale: 0, iidNoiseScale: 0, shearScale: 0 };
const STEPS: Step[] = [
  ['padding', () => OFF],
  ['scaling', (a) => ({ ...OFF, scaleCoeff: a.scaleCoeff })],
  ['translation', (a) => ({ ...OFF, scaleCoeff: a.scaleCoeff, maxTranslation: a.maxTranslation })],
  ['correlated noise', (a) => ({ ...OFF, scaleCoeff: a.scaleCoeff, maxTranslation: a.maxTranslation, corrNoiseScale: a.corrNoiseScale })],
  ['iid noise', (a) => ({ shearScale: 0, scaleCoeff: a.scaleCoeff, maxTranslation: a.maxTranslation, corrNoiseScale: a.corrNoiseScale, iidNoiseScale: a.iidNoiseScale })],
  ['shear', () => ({})],
];

/** The steps of the example of class `label` under `args` (shuffleSeq and label noise off). */
export function pipelineCells(generator: Generator, args: DatasetArgs, label: number, colour: string): Cell[] {
  const base: DatasetArgs = { ...args, numSamples: 10, trainSplit: 0.5, shuffleSeq: false, labelNoise: 0 };
  const padded = args.templateLen + args.padding[1];
  const example = (overrides: Partial<DatasetArgs>): number[] => {
    const data = generator.makeTransient({ ...base, ...overrides });
    const F = data.args.finalSeqLength;
    // the one example of this class, in the train or the test split (the rows are permuted)
    const [x, row] = data.y.indexOf(label) >= 0 ? [data.x, data.y.indexOf(label)] : [data.xTest, data.yTest.indexOf(label)];
    return Array.from(x.subarray(row * F, (row + 1) * F));
  };
  const template = generator.makeTransient(base).templates.x.slice(label * 12, label * 12 + 12);
  return [
    { values: template, colour, label: 'template' },
    ...STEPS.map(([name, overrides]) => ({ values: example({ ...overrides(args), finalSeqLength: padded }), colour, label: name })),
    { values: example({}), colour, label: `final resample (${args.finalSeqLength})` },
  ];
}

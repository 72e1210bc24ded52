// The dataset flags shared by `generate` and `train`: one flag per DatasetArgs field,
// each value parsed strictly as the flag is read, and validated with the flags'
// own names in the messages ("--dataset-seed must be an integer >= 0 ...").
import { Option, type Command } from 'commander';
import { defaultDatasetArgs, parseDatasetArgs } from '../data/args.js';
import type { DatasetArgs } from '../data/types.js';
import { flagAttribute, parseIntegerFlag, parseNumberFlag, parsePairFlag } from './flag-values.js';

type Kind = 'int' | 'float' | 'padding' | 'flag';
export interface DatasetFlag {
  field: keyof DatasetArgs;
  flag: string;
  kind: Kind;
  help: string;
}

const FLAGS: readonly DatasetFlag[] = [
  { field: 'numSamples', flag: '--num-samples', kind: 'int', help: 'examples to generate (10 * floor(N/10): equal classes)' },
  { field: 'trainSplit', flag: '--train-split', kind: 'float', help: 'fraction of the examples in the training set' },
  { field: 'templateLen', flag: '--template-len', kind: 'int', help: 'length the 12-point template is stretched to (before padding)' },
  { field: 'padding', flag: '--padding', kind: 'padding', help: 'LO,HI: zeros appended to a template, drawn uniformly in [LO, HI]' },
  { field: 'scaleCoeff', flag: '--scale-coeff', kind: 'float', help: 'amplitude scale drawn from 1 +- coeff/2' },
  { field: 'maxTranslation', flag: '--max-translation', kind: 'int', help: 'circular shift drawn from [0, N)' },
  { field: 'corrNoiseScale', flag: '--corr-noise-scale', kind: 'float', help: 'std of the smoothed (correlated) noise on the padding' },
  { field: 'iidNoiseScale', flag: '--iid-noise-scale', kind: 'float', help: 'std of the iid noise on every point' },
  { field: 'shearScale', flag: '--shear-scale', kind: 'float', help: 'linear shear drawn from +- scale/2' },
  { field: 'shuffleSeq', flag: '--shuffle-seq', kind: 'flag', help: 'shuffle the positions of every sequence (one fixed permutation)' },
  { field: 'finalSeqLength', flag: '--final-seq-length', kind: 'int', help: 'length of every example' },
  { field: 'seed', flag: '--seed', kind: 'int', help: 'random seed (numpy RandomState), 0 to 2^32-1' },
  { field: 'labelNoise', flag: '--label-noise', kind: 'float', help: 'probability a training label is redrawn (double-descent notebook)' },
];

/**
 * The dataset flags, as `generate` names them, with some renamed where a command
 * has a flag of its own by that name (train: `{ seed: '--dataset-seed' }`).
 */
export function datasetFlags(renamed: Partial<Record<keyof DatasetArgs, string>> = {}): readonly DatasetFlag[] {
  return FLAGS.map((f) => {
    const flag = renamed[f.field];
    return flag ? { ...f, flag, help: `dataset: ${f.help}` } : f;
  });
}

function parseValue(f: DatasetFlag, raw: string): unknown {
  if (f.kind === 'int') return parseIntegerFlag(f.flag, raw);
  if (f.kind === 'float') return parseNumberFlag(f.flag, raw);
  return parsePairFlag(f.flag, raw);
}

/** Adds one option per dataset flag (defaults shown in the help, not applied by commander). */
export function addDatasetOptions(cmd: Command, flags = datasetFlags()): Command {
  const defaults = defaultDatasetArgs();
  for (const f of flags) {
    const value = defaults[f.field];
    const shown = f.kind === 'flag' ? 'off' : Array.isArray(value) ? value.join(',') : String(value);
    const metavar = f.kind === 'int' ? ' <n>' : f.kind === 'float' ? ' <x>' : f.kind === 'padding' ? ' <lo,hi>' : '';
    const option = new Option(`${f.flag}${metavar}`, `${f.help} (default: ${shown})`);
    if (f.kind !== 'flag') option.argParser((raw: string) => parseValue(f, raw));
    cmd.addOption(option);
  }
  return cmd;
}

/** The dataset args given as flags (commander's option values, already parsed), by field. */
export function givenDatasetArgs(opts: Record<string, unknown>, flags = datasetFlags()): Partial<DatasetArgs> {
  const given: Record<string, unknown> = {};
  for (const f of flags) {
    const value = opts[flagAttribute(f.flag)];
    if (value !== undefined) given[f.field] = value;
  }
  return given as Partial<DatasetArgs>;
}

/** Names dataset fields by their flags, for validation messages ("padding" -> "--padding"). */
export function datasetFlagNames(flags = datasetFlags()): (path: string) => string {
  const byField = new Map<string, string>(flags.map((f) => [f.field, f.flag]));
  return (path) => byField.get(path) ?? path;
}

/** Complete, validated dataset args from the flags; errors name the flags. */
export function resolveDatasetOptions(opts: Record<string, unknown>, flags = datasetFlags()): DatasetArgs {
  return parseDatasetArgs(givenDatasetArgs(opts, flags), datasetFlagNames(flags));
}

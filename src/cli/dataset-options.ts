// The dataset flags shared by `generate`, `train` and `sweep`: one flag per
// DatasetArgs field, parsed strictly ("12abc" is an error naming the flag) and
// validated with flag names in the messages.
import type { Command } from 'commander';
import { defaultDatasetArgs, parseDatasetArgs } from '../data/args.js';
import type { DatasetArgs } from '../data/types.js';
import { ConfigError } from '../schema.js';
import { UsageError } from './errors.js';

type Kind = 'int' | 'float' | 'padding' | 'flag';
interface Flag {
  field: keyof DatasetArgs;
  flag: string;
  kind: Kind;
  help: string;
}

const FLAGS: Flag[] = [
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

/** Adds one option per dataset argument (defaults shown in the help, not applied by commander). */
export function addDatasetOptions(cmd: Command): Command {
  const defaults = defaultDatasetArgs();
  for (const f of FLAGS) {
    const value = defaults[f.field];
    const shown = Array.isArray(value) ? value.join(',') : String(value);
    const metavar = f.kind === 'int' ? ' <n>' : f.kind === 'float' ? ' <x>' : f.kind === 'padding' ? ' <lo,hi>' : '';
    cmd.option(`${f.flag}${metavar}`, `${f.help} (default: ${f.kind === 'flag' ? 'off' : shown})`);
  }
  return cmd;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseFlag(f: Flag, raw: unknown): unknown {
  if (f.kind === 'flag') return raw === true;
  const text = String(raw).trim();
  if (f.kind === 'int') {
    if (!INT.test(text)) throw new UsageError(`${f.flag} must be an integer, got ${JSON.stringify(raw)}`);
    return Number(text);
  }
  if (f.kind === 'float') {
    if (!FLOAT.test(text)) throw new UsageError(`${f.flag} must be a number, got ${JSON.stringify(raw)}`);
    return Number(text);
  }
  const m = /^([+-]?\d+)\s*,\s*([+-]?\d+)$/.exec(text);
  if (!m) throw new UsageError(`${f.flag} must be LO,HI (two integers), got ${JSON.stringify(raw)}`);
  return [Number(m[1]), Number(m[2])];
}

/** The dataset args given as flags (commander's option values), parsed but not range-checked. */
export function datasetArgsFromOptions(opts: Record<string, unknown>): Partial<DatasetArgs> {
  const out: Record<string, unknown> = {};
  for (const f of FLAGS) {
    if (opts[f.field] !== undefined) out[f.field] = parseFlag(f, opts[f.field]);
  }
  return out as Partial<DatasetArgs>;
}

/** Complete, validated dataset args from flags; errors name the flags (e.g. "--max-translation must be ..."). */
export function resolveDatasetOptions(opts: Record<string, unknown>, base: Partial<DatasetArgs> = {}): DatasetArgs {
  try {
    return parseDatasetArgs({ ...base, ...datasetArgsFromOptions(opts) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let message = error.message;
    for (const f of FLAGS) message = message.replace(new RegExp(`\\b${f.field}\\b`, 'g'), f.flag);
    throw new ConfigError(message, error.field);
  }
}

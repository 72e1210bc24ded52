// `mnist1d train`: one training run with the paper's defaults (Adam 1e-2, batch 100,
// 6000 steps, evaluation every 250 steps, sequential batches, seed 42), progress on
// stderr, a summary on stdout and, with --json, the run record as the last line.
// The generator's own --seed and --shuffle-seq are --dataset-seed and
// --dataset-shuffle-seq here: --seed is the init seed and --shuffle-seq the
// notebook's fixed spatial shuffle of the positions (applied at training time).
import { Option, type Command } from 'commander';
import { featureMajorData } from '../data/dataset.js';
import { makeDataset } from '../data/generator.js';
import { MODEL_DEFAULTS, type ModelSizes } from '../models/presets.js';
import { BATCH_ORDERS, MODEL_NAMES, OPTIMIZERS, POOL_KINDS, checkBatchSize, parseRunConfig, totalSteps, usesMomentum } from '../train/config.js';
import { Engine } from '../train/engine.js';
import { checkRunMemory } from '../train/memory.js';
import { trainOnData } from '../train/run.js';
import type { RunProgress, RunRecord } from '../train/types.js';
import { addDatasetOptions, datasetFlagNames, datasetFlags, givenDatasetArgs } from './dataset-options.js';
import { EXIT_CODES_HELP, RunsFailedError, UsageError } from './errors.js';
import { parseChoiceFlag, parseIntegerFlag, parseNumberFlag } from './flag-values.js';

/** The models that take a size field, with their defaults: "mlp 100, mlp3 100, gru 6". */
function sizeDefaults(field: 'hidden' | 'channels'): string {
  const models: Record<string, ModelSizes> = MODEL_DEFAULTS;
  return Object.entries(models).flatMap(([model, sizes]) => (sizes[field] === undefined ? [] : [`${model} ${sizes[field]}`])).join(', ');
}

/** Run-config field -> flag, for the flags that carry a value. */
const FLAGS = {
  hidden: { flag: '--hidden', kind: 'int', help: `hidden units (${sizeDefaults('hidden')})` },
  channels: { flag: '--channels', kind: 'int', help: `conv channels (${sizeDefaults('channels')})` },
  pool: { flag: '--pool', kind: POOL_KINDS, help: `convpool variant (default: ${MODEL_DEFAULTS.convpool.pool})` },
  optimizer: { flag: '--optimizer', kind: OPTIMIZERS, help: 'optimizer (default: adam)' },
  lr: { flag: '--lr', kind: 'float', help: 'learning rate (default: 0.01)' },
  momentum: { flag: '--momentum', kind: 'float', help: 'SGD momentum, with --optimizer sgd only (default: 0.9)' },
  weightDecay: { flag: '--weight-decay', kind: 'float', help: 'L2 weight decay (default: 0)' },
  batchSize: { flag: '--batch-size', kind: 'int', help: 'batch size (default: 100)' },
  steps: { flag: '--steps', kind: 'int', help: 'training steps (default: 6000)' },
  epochs: { flag: '--epochs', kind: 'int', help: 'epochs instead of steps' },
  batchOrder: { flag: '--batch-order', kind: BATCH_ORDERS, help: "batches in order as train.py, or shuffled per epoch (default: sequential)" },
  evalEvery: { flag: '--eval-every', kind: 'int', help: 'evaluate every N steps, 0 = only at the end (default: 250)' },
  seed: { flag: '--seed', kind: 'int', help: 'init and batch-order seed (default: 42)' },
} as const;
type ValueField = keyof typeof FLAGS;

/** The dataset flags, the two that clash with train's own renamed. */
const DATASET_FLAGS = datasetFlags({ seed: '--dataset-seed', shuffleSeq: '--dataset-shuffle-seq' });
const datasetFlagName = datasetFlagNames(DATASET_FLAGS);

/** A run-config field's dotted path -> the flag that sets it, for validation messages. */
function flagName(path: string): string {
  if (path === 'model') return '--model';
  if (path === 'shuffleSeq') return '--shuffle-seq';
  if (path.startsWith('dataset.')) return datasetFlagName(path.slice('dataset.'.length));
  return path in FLAGS ? FLAGS[path as ValueField].flag : path;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train one model on MNIST-1D (paper defaults: Adam 1e-2, batch 100, 6000 steps, eval every 250)')
    .option('--model <name>', `model: ${MODEL_NAMES.join(', ')} (required)`);
  for (const f of Object.values(FLAGS)) {
    const metavar = typeof f.kind === 'string' ? (f.kind === 'int' ? '<n>' : '<x>') : `<${f.kind.join('|')}>`;
    cmd.addOption(new Option(`${f.flag} ${metavar}`, f.help).argParser((raw: string) => parseValue(f.flag, f.kind, raw)));
  }
  cmd.option('--shuffle-seq', "apply the notebook's fixed spatial permutation of the positions (np.random.seed(42); permutation(40))");
  cmd.option('--json', 'print the run record as JSON on the last stdout line');
  cmd.addHelpText('after', EXIT_CODES_HELP);
  addDatasetOptions(cmd, DATASET_FLAGS);
  cmd.action(async (opts: Record<string, unknown>) => {
    const record = await runTrain(opts);
    printSummary(record);
    if (opts.json) console.log(JSON.stringify(record));
    if (record.status !== 'ok') throw new RunsFailedError(`the run ${record.status} (the summary above says why)`);
  });
}

function parseValue(flag: string, kind: 'int' | 'float' | readonly string[], raw: string): number | string {
  if (kind === 'int') return parseIntegerFlag(flag, raw);
  if (kind === 'float') return parseNumberFlag(flag, raw);
  return parseChoiceFlag(flag, kind, raw);
}

async function runTrain(opts: Record<string, unknown>): Promise<RunRecord> {
  const input: Record<string, unknown> = { model: opts.model, shuffleSeq: opts.shuffleSeq === true, dataset: givenDatasetArgs(opts, DATASET_FLAGS) };
  for (const field of Object.keys(FLAGS)) if (opts[field] !== undefined) input[field] = opts[field];
  const config = parseRunConfig(input, flagName); // validates the dataset args too, naming the flags
  if (opts.momentum !== undefined && !usesMomentum(config.optimizer)) {
    // the config accepts its default momentum with any optimizer; a flag the user typed is refused
    throw new UsageError(`--momentum does not apply to --optimizer ${config.optimizer}, which does not use it: leave it out`);
  }
  const engine = await Engine.create();
  checkRunMemory(config, engine.wasm, flagName);
  checkBatchSize(config, flagName);
  const data = featureMajorData(await makeDataset(config.dataset));
  const progress = progressLine(totalSteps(config, data.y.length));
  try {
    return trainOnData(engine, data, config, progress.update);
  } finally {
    progress.done();
  }
}

/** Progress on stderr: one line rewritten in place on a terminal, a line per evaluation otherwise. */
function progressLine(total: number) {
  const tty = process.stderr.isTTY;
  let shown = false;
  return {
    update(p: RunProgress): void {
      const pt = p.point;
      const metrics = pt ? `  train loss ${pt.train_loss.toFixed(3)} acc ${pct(pt.train_acc)}  test loss ${pt.test_loss.toFixed(3)} acc ${pct(pt.test_acc)}` : '';
      const line = `step ${String(p.step).padStart(String(total).length)}/${total}${metrics}`;
      if (tty) {
        process.stderr.write(`\r${line}\x1b[K`);
        shown = true;
      } else if (pt) {
        process.stderr.write(`${line}\n`);
      }
    },
    done(): void {
      if (shown) process.stderr.write('\n');
    },
  };
}

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`);

function printSummary(r: RunRecord): void {
  const c = r.config;
  const size = c.hidden !== undefined ? ` hidden ${c.hidden}` : c.channels !== undefined ? ` channels ${c.channels}${c.pool ? ` pool ${c.pool}` : ''}` : '';
  console.log(`${c.model}${size}${c.shuffleSeq ? ' (spatially shuffled)' : ''}: ${r.status}${r.reason ? ` — ${r.reason}` : ''}`);
  console.log(`test accuracy ${pct(r.test_acc)}, test loss ${r.test_loss?.toFixed(4) ?? '—'}; train accuracy ${pct(r.train_acc)}, train loss ${r.train_loss?.toFixed(4) ?? '—'}`);
  // steps_per_s counts training time only: show that time beside it, and the rest apart
  const trainS = r.steps_per_s > 0 ? r.steps / r.steps_per_s : 0;
  console.log(`${r.steps} steps in ${r.wall_s.toFixed(2)} s: ${trainS.toFixed(2)} s training (${Math.round(r.steps_per_s)} steps/s), ${Math.max(0, r.wall_s - trainS).toFixed(2)} s evaluation and setup`);
}

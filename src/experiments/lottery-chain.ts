// The 'lottery-chain' task kind: one whole prune / rewind / retrain chain (one
// trial seed x one criterion) of the lottery-ticket study, run sequentially in
// one worker (notebook `lottery-tickets`). At each sparsity level of
// linspace(0, 1, levels): score the parameters (|final| for 'magnitude', uniform
// random for 'random'), per layer drop the lowest fraction (the layer's weights
// and bias as one vector), rewind the survivors to their initial values and
// retrain. Optionally the ticket nearest `transfer.sparsity` is then retrained,
// from the same initial values, on a fresh dataset (datasets[1]) and on that
// dataset spatially shuffled.
import { z } from 'zod';
import type { FeatureMajorData } from '../data/types.js';
import { ConfigError, finite, integer, oneOf, parseConfig } from '../schema.js';
import type { TaskKind } from '../sweep/task-kind.js';
import type { TaskRecord } from '../sweep/task.js';
import { parseRunConfig } from '../train/config.js';
import type { Engine } from '../train/engine.js';
import { checkRunMemory } from '../train/memory.js';
import { finiteOrNull, SHUFFLE_SEQ_SEED, trainerForConfig, trainLoop } from '../train/run.js';
import type { Trainer } from '../train/trainer.js';
import type { RunConfig, RunProgress } from '../train/types.js';
import { packMask } from './mask-bits.js';
import { linspace } from './settings.js';

export const criteria = ['magnitude', 'random'] as const;
export type Criterion = (typeof criteria)[number];

const sparsity = finite({ min: 0, max: 1 });
const chainSchema = z.strictObject({
  hidden: integer({ min: 1, max: 4096 }),
  criterion: oneOf(criteria),
  seed: integer({ min: 0, max: 2 ** 32 - 1 }),
  levels: integer({ min: 2, max: 1000 }),
  steps: integer({ min: 1 }),
  evalEvery: integer({ min: 0 }),
  lr: finite({ min: 0, exclusiveMin: true }),
  batchSize: integer({ min: 1, max: 65536 }),
  /** Levels (nearest to these sparsities) whose first-layer weight masks are recorded. */
  maskSparsities: z.array(sparsity),
  /** Levels (nearest to these sparsities) whose test curves are recorded. */
  curveSparsities: z.array(sparsity),
  transfer: z.strictObject({ sparsity, steps: integer({ min: 1 }), batchSize: integer({ min: 1, max: 65536 }) }).nullable(),
});

export type LotteryChainConfig = z.output<typeof chainSchema>;

/** Final metrics of one level's retraining. */
export interface LevelResult {
  sparsity: number; // the schedule's value
  kept: number; // fraction of parameters actually kept
  train_loss: number | null;
  train_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  diverged?: boolean;
}

/** Test metrics during one retraining: [step, test_loss, test_acc] rows. */
export interface Curve {
  sparsity: number;
  points: [number, number | null, number | null][];
}

/** A first-layer weight mask, (rows = hidden units, cols = input positions) row-major, packed by packMask. */
export interface FirstLayerMask {
  sparsity: number;
  rows: number;
  cols: number;
  bits: string;
}

/** The ticket retrained on the fresh dataset, plain or spatially shuffled. */
export interface TransferResult {
  data: 'fresh' | 'shuffled';
  sparsity: number;
  train_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  curve: Curve['points'];
}

export type LotteryChainRecord = {
  config: LotteryChainConfig;
  status: 'ok';
  levels: LevelResult[];
  curves: Curve[];
  masks: FirstLayerMask[];
  transfer: TransferResult[];
  steps: number;
  wall_s: number;
  steps_per_s: number;
};

/** The run config of a chain's model and optimiser (also used for its dense baselines). */
export function chainRunConfig(c: Pick<LotteryChainConfig, 'hidden' | 'seed' | 'lr' | 'batchSize' | 'steps' | 'evalEvery'>): RunConfig {
  return parseRunConfig({ model: 'mlp', hidden: c.hidden, optimizer: 'adam', lr: c.lr, batchSize: c.batchSize, steps: c.steps, evalEvery: c.evalEvery, seed: c.seed });
}

/** The 'lottery-chain' task kind: datasets are [training] or, with transfer, [training, fresh]. */
export const lotteryChainKind: TaskKind<LotteryChainConfig> = {
  parseConfig: (config, where) => parseConfig(chainSchema, config, where),
  datasets(config, listed, where) {
    const needed = config.transfer ? 2 : 1;
    if (listed.length !== needed) {
      throw new ConfigError(`${where}: a lottery chain needs ${config.transfer ? 'two datasets (training, fresh)' : 'one dataset'}, got ${listed.length}`, where);
    }
    return listed;
  },
  // the chain's model at its batch size, on 40-position data (the Trainer checks the actual data's length)
  checkMemory: (config, kernels, where) => checkRunMemory(chainRunConfig(config), kernels, where),
  run: (engine, data, config, onProgress) => runChain(engine, data, config, onProgress) as unknown as TaskRecord,
  failedRecord: (config, reason, wallSeconds) => ({ config, status: 'failed', reason, levels: [], curves: [], masks: [], transfer: [], steps: 0, wall_s: wallSeconds, steps_per_s: 0 }),
};

function runChain(engine: Engine, data: FeatureMajorData[], config: LotteryChainConfig, onProgress: (p: RunProgress) => void): LotteryChainRecord {
  const [train, fresh] = data;
  const started = performance.now();
  const schedule = linspace(0, 1, config.levels);
  const nearest = (targets: number[]) => new Set(targets.map((t) => nearestIndex(schedule, t)));
  const maskLevels = nearest(config.maskSparsities);
  const curveLevels = nearest(config.curveSparsities);
  const transferLevel = config.transfer ? nearestIndex(schedule, config.transfer.sparsity) : -1;
  const totalSteps = config.levels * config.steps + (config.transfer ? 2 * config.transfer.steps : 0);
  let stepsDone = 0;
  let trainMs = 0;

  // Trains `trainer` for `steps`, evaluating the test split at the end and, when its
  // curve is kept, at 0 and every evalEvery.
  const retrain = (trainer: Trainer, steps: number, keepCurve: boolean) => {
    const curve: Curve['points'] = [];
    const before = stepsDone;
    const run = trainLoop(trainer, {
      steps,
      evalEvery: config.evalEvery,
      evaluate(step, last) {
        if (!keepCurve && !last) return;
        const t = trainer.evaluate('test');
        curve.push([step, finiteOrNull(t.loss), finiteOrNull(t.acc)]);
      },
      onProgress: (step) => onProgress({ step: before + step, totalSteps }),
    });
    stepsDone = before + steps; // a diverged run's remaining steps count as done
    trainMs += run.trainMs;
    return { curve, diverged: run.diverged };
  };

  let initial: Float32Array;
  let ticket: Float32Array | null = null;
  const levels: LevelResult[] = [];
  const curves: Curve[] = [];
  const masks: FirstLayerMask[] = [];

  const trainer = trainerForConfig(engine, chainRunConfig(config), train.features);
  try {
    trainer.setData(train);
    initial = trainer.getParams(); // the constructor drew the init from `seed`
    const layers = layerIndices(trainer);
    const firstLayer = trainer.layout().find((p) => p.layer === 0 && p.shape.length === 2)!;
    const random = mulberry32(config.seed);
    let final = initial;
    for (let level = 0; level < schedule.length; level++) {
      const sparsity = schedule[level];
      const scores = config.criterion === 'magnitude' ? final.map(Math.abs) : Float32Array.from(final, () => random());
      const mask = new Float32Array(initial.length);
      for (const indices of layers) dropLowest(scores, indices, Math.floor(sparsity * indices.length), mask);
      rewind(trainer, mask, initial);
      const { curve, diverged } = retrain(trainer, config.steps, curveLevels.has(level));
      const trainEval = trainer.evaluate('train');
      const last = curve[curve.length - 1];
      levels.push({
        sparsity,
        kept: mask.reduce((a, b) => a + b, 0) / mask.length,
        train_loss: finiteOrNull(trainEval.loss),
        train_acc: finiteOrNull(trainEval.acc),
        test_loss: last[1],
        test_acc: last[2],
        ...(diverged && { diverged }),
      });
      if (curveLevels.has(level)) curves.push({ sparsity, points: curve });
      if (maskLevels.has(level)) {
        const w = mask.subarray(firstLayer.offset, firstLayer.offset + firstLayer.size);
        masks.push({ sparsity, rows: firstLayer.shape[0], cols: firstLayer.shape[1], bits: packMask(w) });
      }
      if (level === transferLevel) ticket = mask.slice();
      final = trainer.getParams();
    }
  } finally {
    trainer.dispose();
  }

  const transfer: TransferResult[] = [];
  if (config.transfer && ticket) {
    const t = config.transfer;
    const retrainer = trainerForConfig(engine, chainRunConfig({ ...config, batchSize: t.batchSize, steps: t.steps }), fresh.features);
    try {
      const permutation = engine.permutation(fresh.features, SHUFFLE_SEQ_SEED);
      for (const which of ['fresh', 'shuffled'] as const) {
        retrainer.setData(fresh, which === 'shuffled' ? permutation : undefined);
        rewind(retrainer, ticket, initial);
        const { curve } = retrain(retrainer, t.steps, true);
        const last = curve[curve.length - 1];
        transfer.push({ data: which, sparsity: schedule[transferLevel], train_acc: finiteOrNull(retrainer.evaluate('train').acc), test_loss: last[1], test_acc: last[2], curve });
      }
    } finally {
      retrainer.dispose();
    }
  }
  return {
    config,
    status: 'ok',
    levels,
    curves,
    masks,
    transfer,
    steps: stepsDone,
    wall_s: (performance.now() - started) / 1e3,
    steps_per_s: trainMs > 0 ? stepsDone / (trainMs / 1e3) : 0,
  };
}

/** Masks the trainer and sets it back to its initial parameters, with a fresh optimizer and batch order. */
function rewind(trainer: Trainer, mask: Float32Array, initial: Float32Array): void {
  trainer.setMask(mask);
  trainer.setParams(initial);
  trainer.resetOptimizer();
  trainer.resetBatches();
}

/** Parameter indices of each layer (its weights and bias as one vector), from the trainer's layout. */
function layerIndices(trainer: Trainer): Int32Array[] {
  const byLayer = new Map<number, number[]>();
  for (const p of trainer.layout()) {
    const list = byLayer.get(p.layer) ?? [];
    for (let i = 0; i < p.size; i++) list.push(p.offset + i);
    byLayer.set(p.layer, list);
  }
  return [...byLayer.values()].map((list) => Int32Array.from(list));
}

/**
 * Sets mask[i] = 1 for the layer's indices except the `drop` with the lowest scores
 * (ties broken by position, lowest first), as torch.sort(scores)[1][:drop].
 */
export function dropLowest(scores: Float32Array, indices: Int32Array, drop: number, mask: Float32Array): void {
  for (const i of indices) mask[i] = 1;
  if (drop <= 0) return;
  const layerScores = Float32Array.from(indices, (i) => scores[i]).sort();
  const threshold = layerScores[Math.min(drop, indices.length) - 1];
  let below = 0;
  for (const i of indices) if (scores[i] < threshold) below++;
  let tiesToDrop = drop - below;
  for (const i of indices) {
    if (scores[i] < threshold) mask[i] = 0;
    else if (scores[i] === threshold && tiesToDrop > 0) {
      mask[i] = 0;
      tiesToDrop--;
    }
  }
}

/** Index of the value nearest `target` (the first on ties). */
export function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) best = i;
  return best;
}

/** A small seeded uniform [0, 1) generator (mulberry32) for the random-mask control. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

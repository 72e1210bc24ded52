// `mnist1d train` in-process: flags to run config, progress on stderr, summary and
// --json record on stdout, and one-line errors with exit code 2.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultDatasetArgs } from '../src/data/args.js';
import { runCli } from '../src/cli/main.js';
import type { RunRecord } from '../src/train/types.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string }> {
  const stdout: string[] = [];
  let stderr = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.map(String).join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.map(String).join(' ') + '\n'));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await runCli(['train', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe('mnist1d train', () => {
  it('maps every flag into the run config and prints the record as the last stdout line', async () => {
    const { code, stdout, stderr } = await cli([
      '--model', 'mlp3', '--hidden', '12', '--optimizer', 'sgd', '--lr', '0.05', '--momentum', '0.5', '--weight-decay', '1e-4',
      '--batch-size', '50', '--epochs', '2', '--batch-order', 'shuffle', '--eval-every', '8', '--seed', '7', '--shuffle-seq',
      '--num-samples', '500', '--dataset-seed', '3', '--json',
    ]);
    expect(code).toBe(0);
    const record = JSON.parse(stdout.at(-1)!) as RunRecord;
    expect(record.config).toEqual({
      model: 'mlp3', hidden: 12, optimizer: 'sgd', lr: 0.05, momentum: 0.5, weightDecay: 1e-4, batchSize: 50, epochs: 2,
      batchOrder: 'shuffle', evalEvery: 8, seed: 7, shuffleSeq: true, dataset: { ...defaultDatasetArgs(), numSamples: 500, seed: 3 },
    });
    expect(record.steps).toBe(16); // 2 epochs of 400 / 50
    expect(record.history.map((p) => p.step)).toEqual([0, 8, 16]);
    expect(stdout[0]).toBe('mlp3 hidden 12 (spatially shuffled): ok');
    expect(stdout[1]).toMatch(/^test accuracy \d+\.\d%, test loss \d+\.\d{4}; train accuracy \d+\.\d%, train loss \d+\.\d{4}$/);
    // the rate beside the training time it counts, evaluation apart
    const timing = /^16 steps in (\d+\.\d\d) s: (\d+\.\d\d) s training \((\d+) steps\/s\), (\d+\.\d\d) s evaluation and setup$/.exec(stdout[2]);
    expect(timing).not.toBeNull();
    const [wall, training, rate, rest] = timing!.slice(1).map(Number);
    expect(training + rest).toBeCloseTo(wall, 1);
    expect(Math.abs(rate - record.steps_per_s)).toBeLessThan(1);
    expect(training).toBeCloseTo(16 / record.steps_per_s, 2);
    expect(stderr.trim().split('\n')).toHaveLength(3); // one progress line per evaluation (not a terminal)
    expect(stderr).toMatch(/^step {2}0\/16 {2}train loss \d\.\d{3} acc \d+\.\d%/);
  });

  it('exits 3 when the run diverges, after printing its summary and record', async () => {
    const { code, stdout, stderr } = await cli(['--model', 'mlp', '--lr', '1e30', '--steps', '20', '--num-samples', '200', '--batch-size', '10', '--json']);
    expect(code).toBe(3);
    expect(stdout[0]).toMatch(/^mlp hidden 100: diverged — the training loss became non-finite/);
    expect((JSON.parse(stdout.at(-1)!) as RunRecord).status).toBe('diverged');
    expect(stderr.trim().split('\n').at(-1)).toBe('mnist1d: the run diverged (the summary above says why)');
  });

  it('uses the paper defaults and the generator seed 42', async () => {
    const { code, stdout } = await cli(['--model', 'linear', '--steps', '5', '--eval-every', '0', '--json']);
    expect(code).toBe(0);
    const record = JSON.parse(stdout.at(-1)!) as RunRecord;
    expect(record.config).toMatchObject({ optimizer: 'adam', lr: 0.01, batchSize: 100, batchOrder: 'sequential', seed: 42, shuffleSeq: false, dataset: defaultDatasetArgs() });
    expect(record.history.map((p) => p.step)).toEqual([5]);
  });

  it.each([
    [['--lr', 'abc'], 'mnist1d: --lr must be a number, got "abc"'],
    [[], 'mnist1d: --model must be one of linear, mlp, cnn, gru, mlp3, convpool, got nothing'],
    [['--model', 'cnn', '--hidden', '5'], 'mnist1d: --hidden does not apply to model cnn (only to mlp, gru, mlp3), got 5'],
    [['--model', 'mlp', '--steps', '10', '--epochs', '2'], 'mnist1d: --steps and --epochs are exclusive: give one, got --steps 10 and --epochs 2'],
    [['--model', 'mlp', '--batch-size', '0'], 'mnist1d: --batch-size must be an integer >= 1 and <= 65536, got 0'],
    [['--model', 'convpool', '--pool', 'sum'], 'mnist1d: --pool must be one of none, stride, max, avg, l2, got "sum"'],
    [['--model', 'mlp', '--num-samples', '3'], 'mnist1d: --num-samples must be an integer >= 10'],
    [['--model', 'mlp', '--lr', '0.1', '--lr', '0.2'], 'mnist1d: --lr was given twice (--lr 0.1, then --lr 0.2): give it once'],
    [['--model', 'mlp', '--model', 'cnn'], 'mnist1d: --model was given twice (--model mlp, then --model cnn): give it once'],
    [['--model', 'mlp', '--json', '--json'], 'mnist1d: --json was given twice: give it once'],
    [['--model', 'mlp', '--batch-size', '500', '--num-samples', '500'], "mnist1d: --batch-size must be at most the training set's 400 examples (--num-samples 500 * --train-split 0.8), got 500"],
    [['--model', 'mlp', '--momentum', '0.9'], 'mnist1d: --momentum does not apply to --optimizer adam, which does not use it: leave it out'],
    [['--model', 'mlp', '--optimizer', 'rmsprop', '--momentum', '0.5'], 'mnist1d: --momentum applies to --optimizer sgd only; rmsprop does not use it'],
  ])('rejects %j with one line and exit code 2', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  // The generator's --seed is --dataset-seed here: its errors name the flag typed, not train's --seed.
  it.each([
    [['--model', 'linear', '--dataset-seed', 'abc'], 'mnist1d: --dataset-seed must be an integer, got "abc"'],
    [['--model', 'linear', '--dataset-seed', '-1'], 'mnist1d: --dataset-seed must be an integer >= 0 and <= 4294967295, got -1'],
    [['--model', 'linear', '--seed', '-1'], 'mnist1d: --seed must be an integer >= 0 and <= 4294967295, got -1'],
    [['--model', 'linear', '--padding', '5,2'], 'mnist1d: --padding must be [lo, hi] with 0 <= lo <= hi <= 10000 (integers), got [5,2]'],
    [['--model', 'linear', '--template-len', '1', '--padding', '0,0'], 'mnist1d: --template-len + --padding[1] must be >= 2 (the length examples are built at), got 1 + 0'],
  ])('names the flag typed in %j', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(message);
  });
});

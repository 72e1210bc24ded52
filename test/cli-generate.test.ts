// `mnist1d generate` as a user runs it (node bin/mnist1d.js; needs the build,
// which `npm test` runs first): files, summary, flag parsing, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { fromNpy } from '../src/data/npy.js';
import { fromNpz } from '../src/data/npz.js';

const repoRoot = resolve(import.meta.dirname, '..');
const bin = join(repoRoot, 'bin/mnist1d.js');
const refRoot = resolve(repoRoot, '../shared/reference/datasets');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-cli-generate-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

describe('mnist1d generate', () => {
  it('writes the default dataset byte for byte as the reference .npy files', () => {
    const out = join(tempDir(), 'default');
    const run = cli(['generate', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/generated 5000 examples x 40 \(train 4000, test 1000\) in \d+ ms/);
    expect(run.stdout).toContain('classes: 0:500 1:500 2:500 3:500 4:500 5:500 6:500 7:500 8:500 9:500');
    expect(run.stdout).toContain(`wrote npy (float64) to ${out}`);
    for (const name of ['x', 'x_test', 'y', 'y_test', 't']) {
      expect(readFileSync(join(out, `${name}.npy`)).equals(readFileSync(join(refRoot, 'default', `${name}.npy`))), name).toBe(true);
    }
    const args = JSON.parse(readFileSync(join(out, 'args.json'), 'utf8'));
    expect({ ...args, label_noise: undefined }).toEqual({ ...JSON.parse(readFileSync(join(refRoot, 'default/args.json'), 'utf8')).args, label_noise: undefined });
  });

  it('passes every dataset flag through', () => {
    const out = tempDir();
    const run = cli([
      'generate', '--out', out, '--num-samples', '1003', '--train-split', '0.5', '--template-len', '13', '--padding', '3,9',
      '--scale-coeff', '0.1', '--max-translation', '5', '--corr-noise-scale', '0.5', '--iid-noise-scale', '1e-1',
      '--shear-scale', '.2', '--shuffle-seq', '--final-seq-length', '17', '--seed', '4294967295', '--label-noise', '0.25',
      '--format', 'npz', '--dtype', 'float32',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('generated 1000 examples x 17 (train 500, test 500)');
    expect(JSON.parse(readFileSync(join(out, 'args.json'), 'utf8'))).toEqual({
      num_samples: 1003, train_split: 0.5, template_len: 13, padding: [3, 9], scale_coeff: 0.1, max_translation: 5,
      corr_noise_scale: 0.5, iid_noise_scale: 0.1, shear_scale: 0.2, shuffle_seq: true, final_seq_length: 17,
      seed: 4294967295, label_noise: 0.25,
    });
    const x = fromNpy(fromNpz(readFileSync(join(out, 'mnist1d.npz'))).x);
    expect(x.dtype).toBe('float32');
    expect(x.shape).toEqual([500, 17]);
  });

  it('writes json and csv', () => {
    const out = tempDir();
    expect(cli(['generate', '--out', out, '--num-samples', '20', '--format', 'json']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'mnist1d.json'), 'utf8')).x_test.length).toBe(4);
    expect(cli(['generate', '--out', out, '--num-samples', '20', '--format', 'csv']).status).toBe(0);
    expect(readFileSync(join(out, 'x.csv'), 'utf8').split('\n')[0]).toMatch(/^label,x0,x1,.*,x39$/);
  });

  it('exits 2 with one clear line for a malformed number or a bad choice', () => {
    for (const [flags, message] of [
      [['--num-samples', '12abc'], 'mnist1d: --num-samples must be an integer, got "12abc"'],
      [['--format', 'xml'], "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are npy, npz, json, csv."],
    ] as const) {
      const out = join(tempDir(), 'never');
      const run = cli(['generate', '--out', out, ...flags]);
      expect(run.status).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(message);
      expect(run.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  });

  // The same code path in-process (runCli), so that each case does not pay a process start.
  const bad: [string[], string][] = [
    [['--num-samples', '5'], '--num-samples must be an integer >= 10 and <= 33554432, got 5'],
    [['--num-samples', '1e3'], '--num-samples must be an integer, got "1e3"'],
    [['--max-translation', '0'], '--max-translation must be an integer >= 1 and <= 2147483647, got 0'],
    [['--padding', '5,2'], '--padding must be [lo, hi] with 0 <= lo <= hi <= 10000 (integers), got [5,2]'],
    [['--padding', '5'], '--padding must be LO,HI (two integers), got "5"'],
    [['--train-split', '0.8x'], '--train-split must be a number, got "0.8x"'],
    [['--train-split', '1'], '--train-split must leave both train and test sets non-empty (1 to 4999 of 5000 examples in train), got 1 (5000 train, 0 test)'],
    [['--template-len', '1', '--padding', '0,0'], '--template-len + --padding[1] must be >= 2 (the length examples are built at), got 1 + 0'],
    [['--label-noise', '2'], '--label-noise must be a number >= 0 and <= 1, got 2'],
    [['--seed', '-3'], '--seed must be an integer >= 0 and <= 4294967295, got -3'],
  ];
  for (const [flags, message] of bad) {
    it(`rejects ${flags.join(' ')} with exit code 2 and a message naming the flag`, async () => {
      const out = join(tempDir(), 'never');
      const errors: string[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
      try {
        expect(await runCli(['generate', '--out', out, ...flags])).toBe(2);
      } finally {
        spy.mockRestore();
      }
      expect(errors).toEqual([`mnist1d: ${message}`]);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('requires --out', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['generate'])).toBe(2);
      expect(String(spy.mock.calls[0]?.[0])).toContain("error: required option '--out <dir>' not specified");
    } finally {
      spy.mockRestore();
    }
  });

  it('documents every flag with its default in --help', () => {
    const run = cli(['generate', '--help']);
    expect(run.status).toBe(0);
    const help = run.stdout.replace(/\s+/g, ' ');
    const defaults: Record<string, string> = {
      '--num-samples': '5000', '--train-split': '0.8', '--template-len': '12', '--padding': '36,60', '--scale-coeff': '0.4',
      '--max-translation': '48', '--corr-noise-scale': '0.25', '--iid-noise-scale': '0.02', '--shear-scale': '0.75',
      '--shuffle-seq': 'off', '--final-seq-length': '40', '--seed': '42', '--label-noise': '0', '--format': '"npy"', '--dtype': '"float64"',
    };
    expect(help).toContain('--out <dir>');
    for (const [flag, value] of Object.entries(defaults)) {
      const at = help.indexOf(flag);
      expect(at, flag).toBeGreaterThanOrEqual(0);
      const next = help.indexOf(' --', at + flag.length);
      expect(help.slice(at, next < 0 ? undefined : next), flag).toContain(`default: ${value}`);
    }
  });
});

it('lists no stray files next to the outputs', () => {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true }) as string[]) expect(entry).not.toContain('.tmp-');
  }
});

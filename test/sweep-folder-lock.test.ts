// One writer per results folder, and output folders checked before any run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutputFolder } from '../src/io/output-folder.js';
import { ConfigError } from '../src/schema.js';
import type { Executor } from '../src/sweep/executor.js';
import { FolderLock, LOCK_FILE, withFolderLock } from '../src/sweep/folder-lock.js';
import { ResultsStore } from '../src/sweep/results-store.js';
import { runSweep } from '../src/sweep/sweep.js';
import { taskKinds } from '../src/experiments/task-kinds.js';
import { configError } from './config-error.js';
import { makeReadOnlyFolder } from './read-only-folder.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist1d-lock-'));
  dirs.push(dir);
  return dir;
};
const readOnly = makeReadOnlyFolder();
afterAll(() => {
  readOnly?.remove();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** An executor that counts the runs it is given and fails each at once. */
function countingExecutor(gate?: Promise<unknown>): Executor & { runs: number } {
  return {
    concurrency: 1,
    kinds: taskKinds,
    runs: 0,
    async run(task) {
      await gate; // a first sweep's runs wait until the test has tried its second sweep
      this.runs++;
      return taskKinds.kinds[task.kind].failedRecord(task.config, 'TEST: not run', 0);
    },
    async close() {},
  };
}

const lockOf = (owner: object) => JSON.stringify({ host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'mnist1d sweep', nonce: 'x', ...owner }) + '\n';
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('the folder lock', () => {
  it('lets one results store at a time write a folder, naming the holder to the next', () => {
    const dir = tempDir();
    const first = ResultsStore.open(dir);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    const message = configError(() => ResultsStore.open(dir, { resume: true })).message;
    expect(message).toMatch(/^the output folder .* is in use by another sweep \(this process, since .*\): wait for it to finish or choose another --out; if that process is gone, delete .*\.mnist1d\.lock$/);
    first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    ResultsStore.open(dir, { resume: true }).close();
  });

  it('refuses a second sweep on the same folder before it runs anything', async () => {
    const dir = tempDir();
    const configs = [{ model: 'linear', steps: 1 }, { model: 'linear', steps: 2 }];
    let secondSweep: Promise<unknown> = new Promise(() => {});
    let started!: () => void;
    const secondStarted = new Promise<void>((resolve) => (started = resolve));
    const first = countingExecutor(secondStarted.then(() => secondSweep));
    const second = countingExecutor();
    await runSweep(configs, {
      outDir: dir,
      executor: first,
      onEvent: (event) => {
        if (event.type !== 'sweep-start') return;
        secondSweep = runSweep(configs, { outDir: dir, resume: true, executor: second }).catch((error: unknown) => error);
        started();
      },
    });
    const refusal = await secondSweep;
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).message).toMatch(/is in use by another sweep \(this process/);
    expect([first.runs, second.runs]).toEqual([2, 0]);
    // the lock went with the first sweep
    expect((await runSweep(configs, { outDir: dir, resume: true, executor: second })).skipped).toBe(2);
  });

  it('breaks a lock whose process is gone, never one from another host or one it cannot read', () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, lockOf({ pid: deadPid() }));
    FolderLock.acquire(dir).release();
    expect(existsSync(path)).toBe(false);

    writeFileSync(path, lockOf({ pid: deadPid(), host: 'elsewhere' }));
    expect(configError(() => FolderLock.acquire(dir)).message).toMatch(/in use by another sweep \(process \d+ on host elsewhere, since 2026-01-01T00:00:00.000Z: mnist1d sweep\)/);
    writeFileSync(path, 'garbage');
    expect(configError(() => FolderLock.acquire(dir)).message).toMatch(/is locked by .*\.mnist1d\.lock, which this program did not write: if no sweep is using .*, delete that file/);
    expect(readFileSync(path, 'utf8')).toBe('garbage');
  });

  it('is held by a live process of this host', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), lockOf({ pid: process.ppid }));
    expect(configError(() => FolderLock.acquire(dir)).message).toMatch(new RegExp(`in use by another sweep \\(process ${process.ppid}, since`));
  });

  it('is shared with code running under withFolderLock (a study and its sweep), and with nothing else', async () => {
    const dir = tempDir();
    let finish!: () => void;
    const study = withFolderLock(dir, async () => {
      ResultsStore.open(dir).close(); // the study's sweep shares the lock
      expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // and closing its store leaves it
      await new Promise<void>((resolve) => (finish = resolve));
    });
    expect(configError(() => FolderLock.acquire(dir)).message).toMatch(/in use by another sweep \(this process/); // outside the study
    finish();
    await study;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('output folders', () => {
  it('are checked before any run: a file in the way, an empty name, a read-only mount', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const cases: [string, RegExp][] = [
      [file, /^cannot write to the output folder \(--out\) ".*a-file": a file is in the way .* \(EEXIST\)$/],
      [join(file, 'sub'), /^cannot write to the output folder \(--out\) ".*a-file\/sub": a file is in the way .* \(ENOTDIR\)$/],
      ['', /^the output folder \(--out\) must name a folder, got ""$/],
      ['  ', /^the output folder \(--out\) must name a folder, got "  "$/],
    ];
    if (readOnly) cases.push([join(readOnly.path, 'out'), /^cannot write to the output folder \(--out\) ".*": the file system is read-only \(EROFS\)$/]);
    for (const [outDir, message] of cases) {
      expect(configError(() => prepareOutputFolder(outDir)).message).toMatch(message);
      const executor = countingExecutor();
      await expect(runSweep([{ model: 'linear', steps: 1 }], { outDir, executor })).rejects.toThrow(message);
      expect(executor.runs).toBe(0);
    }
  });

  it.skipIf(!readOnly)('a read-only folder that exists is refused too (EROFS), before any run', async () => {
    const executor = countingExecutor();
    await expect(runSweep([{ model: 'linear', steps: 1 }], { outDir: readOnly!.path, executor })).rejects.toThrow(ConfigError);
    await expect(runSweep([{ model: 'linear', steps: 1 }], { outDir: readOnly!.path, executor })).rejects.toThrow(/the file system is read-only \(EROFS\)/);
    expect(executor.runs).toBe(0);
  });
});

// Test helper: a read-only folder. Root ignores permission bits, so it is a
// read-only bind mount of an empty temporary folder (EROFS); undefined where
// mounting is not allowed, and the tests that need one are skipped.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReadOnlyFolder {
  path: string;
  remove(): void;
}

export function makeReadOnlyFolder(): ReadOnlyFolder | undefined {
  const parent = mkdtempSync(join(tmpdir(), 'mnist1d-ro-'));
  const path = join(parent, 'read-only');
  mkdirSync(path);
  const mounted = spawnSync('mount', ['--bind', '-o', 'ro', path, path], { stdio: 'ignore' }).status === 0;
  const remove = () => {
    if (mounted) spawnSync('umount', [path], { stdio: 'ignore' });
    rmSync(parent, { recursive: true, force: true });
  };
  if (!mounted) {
    remove();
    return undefined;
  }
  return { path, remove };
}

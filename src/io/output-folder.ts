// Node only: an output folder is checked before any work starts, so a folder that
// cannot be written (a file in its place, a read-only mount, no permission, an
// empty name) is one clear ConfigError up front, never a stack trace after the runs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../schema.js';

/** How the folder is named in errors, e.g. 'output folder (--out)'. */
const FOLDER = 'output folder (--out)';

/** Creates `dir` (and its parents) and checks a file can be created in it. */
export function prepareOutputFolder(dir: string): void {
  if (typeof dir !== 'string' || !dir.trim()) throw new ConfigError(`the ${FOLDER} must name a folder, got ${JSON.stringify(dir)}`, 'out');
  const probe = join(dir, `.write-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    makeFolder(dir);
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe, { force: true });
  } catch (error) {
    throw outputFolderError(dir, error);
  }
}

/** mkdir -p, failing with the real cause (a recursive mkdir says ENOENT for a read-only parent). */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeFolder(dirname(dir));
    mkdirSync(dir);
  }
}

/** A file-system error on `dir` as one line naming the folder and the cause; other errors unchanged. */
export function outputFolderError(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause = code && CAUSES[code];
  if (!cause) return error;
  return new ConfigError(`cannot write to the ${FOLDER} ${JSON.stringify(dir)}: ${cause} (${code})`, 'out');
}

const CAUSES: Record<string, string> = {
  EEXIST: 'a file is in the way (it or one of its parents is not a folder)',
  ENOTDIR: 'a file is in the way (it or one of its parents is not a folder)',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ENOENT: 'the path cannot be created',
};

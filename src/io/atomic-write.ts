// Node only: outputs appear whole or not at all. Each file is written under a
// temporary name in its own folder (same file system, so the rename is atomic)
// and renamed into place only once every file of the group is complete; a failed
// write (a full disk, a kill) leaves no partial file under a final name, and the
// temporary files are removed. Data may be a string, bytes, or an iterable of
// chunks, written as they come (memory stays flat in the file's size).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

export type FileData = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface OutputFile {
  path: string;
  data: FileData;
}

/** Writes every file, then renames them into place in order (put the file that marks completion last). */
export async function writeFilesAtomic(files: readonly OutputFile[]): Promise<void> {
  const tag = tempTag();
  const temps = files.map((file) => file.path + tag);
  try {
    for (let i = 0; i < files.length; i++) await writeFile(temps[i], files[i].data);
    for (let i = 0; i < files.length; i++) await rename(temps[i], files[i].path);
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
}

/** One file, written whole or not at all. */
export function writeFileAtomic(path: string, data: FileData): Promise<void> {
  return writeFilesAtomic([{ path, data }]);
}

/** writeFileAtomic for callers that cannot wait (text held in memory). */
export function writeFileAtomicSync(path: string, data: string): void {
  const temp = path + tempTag();
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A suffix no other writer uses: the process and a random tag. */
function tempTag(): string {
  return `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

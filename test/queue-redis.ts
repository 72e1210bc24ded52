// Shared by the queue-*.test.ts files: the private redis-server and worker processes of
// bench/local-queue.ts. Without redis-server the queue tests are skipped, except under
// CI (`.ci/run` installs it), where they must run.
import { spawnSync } from 'node:child_process';
import { WorkerProcess } from '../bench/local-queue.js';

export { bin, LocalRedis, repoRoot, waitFor, WorkerProcess } from '../bench/local-queue.js';

export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
/** Skip the queue tests only where redis-server is missing and this is not CI. */
export const skipQueueTests = !hasRedis && !process.env.CI;

/** A worker for the fault tests: one job at a time, short locks (a dead worker's job returns within seconds), the crash-test kind enabled. */
export function startTestWorker(url: string, name: string): Promise<WorkerProcess> {
  return WorkerProcess.start(url, name, ['--lock-duration', '3000', '--crash-test']);
}

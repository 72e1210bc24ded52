// Test-only fault injection: the 'crash-test' kind kills or breaks the worker that
// runs it. The worker entries are built with it, but a worker runs it only when the
// executor's kinds include it (withCrashTest in src/experiments/task-kinds.ts), never
// by default.
//   {"mode": "exit"}      the worker exits (process.exit in Node)
//   {"mode": "uncaught"}  an uncaught error is thrown asynchronously in the worker
//   {"mode": "oom"}       the worker fills its JS heap until it dies (give the pool resourceLimits)
//   {"mode": "hang"}      the worker spins forever in a synchronous loop (only abort ends it)
//   {"mode": "throw"}     the task throws (code 'CRASH_TEST'); the worker survives
// An optional integer "id" tells otherwise identical crash tasks apart (one key each).
import { z } from 'zod';
import { integer, oneOf, parseConfig } from '../../schema.js';
import type { TaskKind } from '../task-kind.js';
import { TaskError } from '../task.js';

const crashConfig = z.strictObject({ mode: oneOf(['exit', 'uncaught', 'oom', 'hang', 'throw']), id: integer().optional() });

type CrashConfig = z.output<typeof crashConfig>;

/**
 * `exit` ends the current worker. Without it (in-process) only "throw" is allowed:
 * the other modes would take the whole program down.
 */
export function crashTestKind(exit?: () => void): TaskKind<CrashConfig> {
  return {
    parseConfig: (config, where) => parseConfig(crashConfig, config, where),
    datasets: () => [],
    failedRecord: (config, reason, wallSeconds) => ({ config, status: 'failed', reason, wall_s: wallSeconds }),
    run: (_engine, _data, { mode }) => {
      if (mode === 'throw') throw new TaskError('CRASH_TEST', 'crash-test: the task threw');
      if (!exit) throw new TaskError('CRASH_TEST', `crash-test: mode "${mode}" needs a worker`);
      switch (mode) {
        case 'exit':
          exit();
          break;
        case 'uncaught':
          setTimeout(() => {
            throw new Error('crash-test: uncaught error in the worker');
          });
          break;
        case 'hang':
          for (;;);
        case 'oom': {
          const hoard: number[][] = [];
          for (;;) hoard.push(new Array(100_000).fill(hoard.length));
        }
      }
      return new Promise<never>(() => {}); // never settles: the worker dies first
    },
  };
}

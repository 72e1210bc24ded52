// Web Worker entry: exposes the worker API (src/sweep/worker-api.ts) through Comlink,
// built with the package's task kinds (src/experiments/task-kinds.ts).
// crash-test's "exit" becomes an uncaught error: a closed Web Worker sends no event.
import * as Comlink from 'comlink';
import { withCrashTest } from '../src/experiments/task-kinds.js';
import { createWorkerApi } from '../src/sweep/worker-api.js';

Comlink.expose(
  createWorkerApi(
    withCrashTest(() =>
      setTimeout(() => {
        throw new Error('crash-test: worker exit');
      }),
    ),
  ),
);

// Web Worker entry: exposes the worker API (src/sweep/worker-api.ts) through Comlink.
// crash-test's "exit" becomes an uncaught error: a closed Web Worker sends no event.
import * as Comlink from 'comlink';
import { createWorkerApi } from '../src/sweep/worker-api.js';

Comlink.expose(
  createWorkerApi(() =>
    setTimeout(() => {
      throw new Error('crash-test: worker exit');
    }),
  ),
);

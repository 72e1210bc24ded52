// Node worker_threads entry: exposes the worker API (src/sweep/worker-api.ts) through
// Comlink, built with the package's task kinds (src/experiments/task-kinds.ts).
// The pool starts the compiled dist/workers/node-trainer.js.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { withCrashTest } from '../src/experiments/task-kinds.js';
import { createWorkerApi } from '../src/sweep/worker-api.js';

if (!parentPort) throw new Error('node-trainer.js must run as a worker_threads worker');
Comlink.expose(
  createWorkerApi(withCrashTest(() => process.exit(70))),
  nodeEndpoint(parentPort),
);

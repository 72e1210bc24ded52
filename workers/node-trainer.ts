// Node worker_threads entry: exposes the worker API (src/sweep/worker-api.ts) through Comlink.
// The pool starts the compiled dist/workers/node-trainer.js.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createWorkerApi } from '../src/sweep/worker-api.js';

if (!parentPort) throw new Error('node-trainer.js must run as a worker_threads worker');
Comlink.expose(
  createWorkerApi(() => process.exit(70)),
  nodeEndpoint(parentPort),
);

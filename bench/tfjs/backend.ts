// Selects the TF.js backend a benchmark runs on: `wasm` (XNNPACK, SIMD; TF.js
// disables threads in Node) or the plain-JS `cpu` backend.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type TfBackendName = 'wasm' | 'cpu';
export const TF_BACKENDS: readonly TfBackendName[] = ['wasm', 'cpu'];

let wasmPathsSet = false;

/** Makes `name` the active backend and waits until it is ready. */
export async function useTfBackend(name: TfBackendName): Promise<void> {
  tf.enableProdMode(); // as an application would ship; also silences the cpu backend's "install tfjs-node" notice
  if (name === 'wasm' && !wasmPathsSet) {
    // The package's main file lies in dist/, beside the .wasm binaries.
    const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(dist + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialise`);
  await tf.ready();
  if (name === 'wasm' && !tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) {
    throw new Error('TF.js wasm backend runs without SIMD: the comparison would be unfair to it');
  }
}

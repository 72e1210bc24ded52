// The fast tier (`npm run test:fast`), for the edit-run loop: kernels (gradient checks,
// PyTorch parity, meta-gradients), the generator's exactness, parsing and validation, dataset io and
// the worker pool's mechanics, with short runs only. Left to `npm test` (the whole
// suite, as CI runs it): paper-length training, the studies, the CLI end to end in
// child processes, TF.js and the browser.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const FAST_TESTS = [
  'test/nn-*.test.ts',
  'test/meta-*.test.ts',
  'test/learned-activation-table.test.ts',
  'test/generator*.test.ts',
  'test/engine-load.test.ts',
  'test/dataset-args.test.ts',
  'test/train-config.test.ts',
  'test/train-run.test.ts',
  'test/experiments-settings.test.ts',
  'test/cli-train.test.ts',
  'test/data-io.test.ts',
  'test/sweep-grid.test.ts',
  'test/sweep-results-store.test.ts',
  'test/sweep-pool.test.ts',
];

export default defineConfig({ ...base, test: { ...base.test, include: FAST_TESTS } });

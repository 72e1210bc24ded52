import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Worker-pool and browser tests spawn their own workers; keep files in
    // separate forks but never more than the 2 cores CI has.
    maxWorkers: 2,
  },
});

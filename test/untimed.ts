// The browser tests compare records without their timings, which differ from run to run.
import { expect } from 'vitest';
import type { RunRecord } from '../src/train/types.js';

/** A record without wall_s and steps_per_s (both checked to be positive). */
export function untimed(record: RunRecord): Omit<RunRecord, 'wall_s' | 'steps_per_s'> {
  const { wall_s, steps_per_s, ...rest } = record;
  expect(wall_s).toBeGreaterThan(0);
  expect(steps_per_s).toBeGreaterThan(0);
  return rest;
}

// Test helper: runs fn, expects it to throw a ConfigError, returns that error.
import { expect } from 'vitest';
import { ConfigError } from '../src/schema.js';

export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

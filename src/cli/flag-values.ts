// Strict parsers for flag values, run by commander as each flag is read: "12abc" is
// an error naming the flag the user typed, not a NaN found later.
import { UsageError } from './errors.js';

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const PAIR = /^([+-]?\d+)\s*,\s*([+-]?\d+)$/;

export function parseIntegerFlag(flag: string, raw: string): number {
  if (!INT.test(raw.trim())) throw new UsageError(`${flag} must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function parseNumberFlag(flag: string, raw: string): number {
  if (!FLOAT.test(raw.trim())) throw new UsageError(`${flag} must be a number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** LO,HI: two integers. */
export function parsePairFlag(flag: string, raw: string): [number, number] {
  const m = PAIR.exec(raw.trim());
  if (!m) throw new UsageError(`${flag} must be LO,HI (two integers), got ${JSON.stringify(raw)}`);
  return [Number(m[1]), Number(m[2])];
}

export function parseChoiceFlag(flag: string, choices: readonly string[], raw: string): string {
  const text = raw.trim();
  if (!choices.includes(text)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return text;
}

/** The key commander stores a flag's value under ("--dataset-seed" -> "datasetSeed"). */
export function flagAttribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

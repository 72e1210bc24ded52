// A flag given twice is refused: commander would silently keep the last value. Flags
// that collect a list (their default is an array, e.g. `run --set`) may repeat.
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** Makes every sub-command of `program` refuse a flag given more than once. */
export function refuseRepeatedFlags(program: Command): void {
  for (const command of program.commands) {
    const seen = new Map<string, string>();
    for (const option of command.options) {
      if (Array.isArray(option.defaultValue)) continue;
      const flag = option.long ?? option.short ?? option.name();
      command.on(`option:${option.name()}`, (value: unknown) => {
        const shown = typeof value === 'string' ? ` ${value}` : '';
        if (seen.has(flag)) {
          const values = shown || seen.get(flag) ? ` (${flag}${seen.get(flag)}, then ${flag}${shown})` : '';
          throw new UsageError(`${flag} was given twice${values}: give it once`);
        }
        seen.set(flag, shown);
      });
    }
  }
}

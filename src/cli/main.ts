// The `mnist1d` command line: one sub-command per file, registered here.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../schema.js';
import { registerSweep } from './sweep.js';
import { registerRun } from './run.js';
import { registerGenerate } from './generate.js';
import { registerTrain } from './train.js';
import { CancelledError, EXIT_CODES_HELP, RunsFailedError, UsageError } from './errors.js';
import { refuseRepeatedFlags } from './repeated-flags.js';
import { registerWorker } from './worker.js';

type Register = (program: Command) => void;
const commands: Register[] = [];
commands.push(registerSweep);
commands.push(registerRun);
commands.push(registerGenerate);
commands.push(registerTrain);
commands.push(registerWorker);

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('mnist1d')
    .description('MNIST-1D in WebAssembly SIMD: exact dataset generator, fast training, parallel sweeps')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trimEnd() + '\n') })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of commands) register(program);
  refuseRepeatedFlags(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2; // --help / --version exit 0; bad flags exit 2
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(`mnist1d: ${error.message}`);
      return 2;
    }
    if (error instanceof RunsFailedError) {
      console.error(`mnist1d: ${error.message}`);
      return 3;
    }
    if (error instanceof CancelledError) {
      console.error(`mnist1d: ${error.message}`);
      return 130;
    }
    console.error(`mnist1d: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

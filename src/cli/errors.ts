// The CLI's own errors, which runCli (main.ts) turns into one line and an exit code.

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE_ERROR';
}

/** The command finished and kept every record, but runs failed (or `train`'s run diverged): one line, exit code 3. */
export class RunsFailedError extends Error {
  readonly code = 'RUNS_FAILED';
}

/** The exit codes, as the commands' --help lists them. */
export const EXIT_CODES_HELP = `
Exit status: 0 done; 1 an unexpected error; 2 bad flags, config or output folder
(nothing run); 3 finished, every record kept, but runs failed (sweep, run) or the
run diverged or failed (train); 130 cancelled (Ctrl-C, SIGTERM), records kept.`;

/** The user cancelled (Ctrl-C) after a clean stop: printed as one line, exit code 130. */
export class CancelledError extends Error {
  readonly code = 'CANCELLED';
}

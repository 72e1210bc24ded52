// The CLI's own errors, which runCli (main.ts) turns into one line and an exit code.

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE_ERROR';
}

/** The user cancelled (Ctrl-C) after a clean stop: printed as one line, exit code 130. */
export class CancelledError extends Error {
  readonly code = 'CANCELLED';
}

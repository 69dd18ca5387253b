/** Exit codes (documented in the README) and the one error type commands throw to stop. */

export const EXIT = {
  OK: 0,
  /** Check failed (expired/missing/invalid/rejected/refresh_failed) or the command failed. */
  FAIL: 1,
  /** `--check` only: something is expiring within the warn window. */
  EXPIRING: 2,
  /** Usage error: unknown flag, missing or bad argument. */
  USAGE: 64,
} as const;

/** An expected failure: printed as `error: <message>` and exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.FAIL) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}

/** Exit codes (documented in the README) and the one error type commands throw to stop. */

export const EXIT = {
  OK: 0,
  /** Check failed (expired/missing/invalid/rejected/refresh_failed) or the command failed. */
  FAIL: 1,
  /** `--check` only: something is expiring within the warn window. */
  EXPIRING: 2,
  /** Usage error: unknown flag, missing or bad argument. */
  USAGE: 64,
  /** Interrupted by the user (Ctrl-C at a prompt): 128 + SIGINT, as shells report it. */
  INTERRUPTED: 130,
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

/** Ctrl-C at an @inquirer prompt rejects with this error; it is the user's choice, not a crash. */
export function isPromptExit(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

/** The one line printed for Ctrl-C at a prompt (exit 130). */
export const INTERRUPTED_LINE = '\naborted (Ctrl-C); nothing more was changed\n';

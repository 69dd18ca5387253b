/**
 * Exit codes and the one error type every layer throws to stop a command. The CLI only
 * renders them (`error: <message>`, exit `exitCode`); nothing below the CLI prints.
 */

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
export class AiproError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAIL,
  ) {
    super(message);
  }
}

/** The name the CLI code has always used; same class. */
export { AiproError as CliError };

export function usageError(message: string): AiproError {
  return new AiproError(message, EXIT.USAGE);
}

/** What only the CLI needs on top of the core errors: prompt interruption (Ctrl-C). */
export { AiproError, CliError, EXIT, usageError } from '../errors.js';

/** Ctrl-C at an @inquirer prompt rejects with this error; it is the user's choice, not a crash. */
export function isPromptExit(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

/** The one line printed for Ctrl-C at a prompt (exit 130). */
export const INTERRUPTED_LINE = '\naborted (Ctrl-C); nothing more was changed\n';

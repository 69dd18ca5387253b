/**
 * Reading a secret the only two ways aipro accepts one: a hidden prompt on a TTY, or
 * all of stdin otherwise. Never a flag (shell history, `ps`). Pasted line breaks and
 * spaces are stripped: terminals wrap long tokens and copy them with newlines.
 */
import { CliError, isPromptExit } from './errors.js';
import { io } from './io.js';

/** Largest secret read from stdin; a real key is < 1 KiB, anything past this is a mistake. */
const MAX_SECRET_BYTES = 64 * 1024;

/** Remove every whitespace character (spaces, tabs, CR/LF) a paste may have added. */
export function normalizeSecret(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** Read all of a stream (stdin) as UTF-8, bounded. */
export async function readAll(stream: NodeJS.ReadableStream, max = MAX_SECRET_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.byteLength;
    if (size > max)
      throw new CliError(
        `reading the secret from stdin: input is larger than ${max} bytes; pipe only the key or token`,
      );
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether a prompt is possible: stdin is a terminal (the prompt draws on stderr if stdout is piped). */
export function isInteractive(): boolean {
  return Boolean(io().stdin.isTTY);
}

/** Where prompts draw: stdout, or stderr when stdout is piped (keeps `--json` output clean). */
export function promptOutput(): NodeJS.WritableStream {
  return io().stdout.isTTY ? io().stdout : io().stderr;
}

/**
 * The secret: from a hidden prompt on a TTY, else from stdin. `what` names it in the prompt
 * and errors ("Anthropic setup-token"). Returns the normalised value (may be empty: the
 * caller validates and explains).
 */
export async function readSecret(what: string): Promise<string> {
  if (isInteractive()) {
    const { password } = await import('@inquirer/prompts');
    const value = await password(
      { message: `Paste the ${what} (input hidden):`, mask: false },
      { output: promptOutput() },
    ).catch((err: Error) => {
      if (isPromptExit(err)) throw err;
      throw new CliError(`reading the ${what}: prompt cancelled (${err.name})`);
    });
    return normalizeSecret(value);
  }
  return normalizeSecret(await readAll(io().stdin));
}

#!/usr/bin/env node
/**
 * The `aipro` entry point. `aipro models status` with plain flags (what scripts and timers run)
 * goes straight to its command; everything else goes through the commander program
 * (program.ts), which loads only the module of the command group being run.
 */
import type { Command } from 'commander';
import { CliError, EXIT, INTERRUPTED_LINE, isPromptExit } from './errors.js';
import { OperatorError } from '../util/operator-error.js';
import { terminalWidth, wrapLine } from './table.js';
import { exitCode, io, setExitCode, withIo, type Io } from './io.js';
import { parseStatusArgv } from './models-status-options.js';

export { fitHelp, hideSecretLookingWords } from './help-text.js';

/** Build the program with the groups needed for `argv` (all of them for top-level help). */
export async function buildProgram(argv: string[]): Promise<Command> {
  return (await import('./program.js')).buildProgram(argv);
}

/**
 * Run the CLI with `given` as its env, cwd, streams and clock (the process's own by default);
 * returns the exit code instead of exiting, so tests can run commands in-process.
 */
export function run(argv: string[], given?: Io): Promise<number> {
  // The `aipro` process runs unscoped: entering an AsyncLocalStorage loads and turns on
  // Node's promise hooks for the rest of the run, which only in-process callers need.
  return given === undefined ? runScoped(argv) : withIo(given, () => runScoped(argv));
}

async function runScoped(argv: string[]): Promise<number> {
  try {
    // The options commander would give `models status`, when they are certain without it
    // (loading commander and building the program cost it 1–2 ms CPU even from the code cache).
    const status = argv[0] === 'models' && argv[1] === 'status' ? parseStatusArgv(argv.slice(2)) : undefined;
    if (status) {
      const { modelsStatus } = await import('./models-status.js');
      setExitCode(await modelsStatus(status));
      return exitCode() ?? EXIT.OK;
    }
    return await (await import('./program.js')).runProgram(argv);
  } catch (err) {
    if (isPromptExit(err)) {
      io().stderr.write(INTERRUPTED_LINE);
      return EXIT.INTERRUPTED;
    }
    if (err instanceof CliError || err instanceof OperatorError) {
      // On a terminal the message wraps like every other line aipro prints there.
      const width = terminalWidth(io().stderr, io().env);
      const lines = `error: ${err.message}`.split('\n');
      io().stderr.write(
        `${(width === undefined ? lines : lines.flatMap((l) => wrapLine(l, width, '  '))).join('\n')}\n`,
      );
      return err.exitCode;
    }
    io().stderr.write(
      `error: unexpected failure: ${(err as Error)?.stack ?? String(err)}\nPlease report this with the command you ` +
        `ran.\n`,
    );
    return EXIT.FAIL;
  }
}

/**
 * A reader that goes away (`aipro … | head -1`) is normal: later output is dropped and the
 * command finishes with its own exit code, instead of dying on an unhandled EPIPE. stderr may
 * be piped too (`2>&1 | head`).
 */
export function quietOnClosedPipe(): void {
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  };
  for (const name of ['stdout', 'stderr'] as const) {
    const own = Object.getOwnPropertyDescriptor(process, name);
    const get = own?.get;
    if (!own || !get || !own.configurable) {
      process[name].on('error', onError);
      continue;
    }
    // Node builds each stream on first access (a pipe's costs ~3 ms CPU of a cold start) and
    // most runs never write to stderr: the handler goes on when the stream is first used.
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: own.enumerable ?? true,
      get() {
        const stream = get.call(process) as NodeJS.WriteStream;
        Object.defineProperty(process, name, own);
        stream.on('error', onError);
        return stream;
      },
    });
  }
}

const isMain = process.argv[1] !== undefined && /(?:^|[\\/])(main\.(?:js|ts)|aipro)$/.test(process.argv[1]);
if (isMain) {
  quietOnClosedPipe();
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`error: ${String(err)}\n`);
      process.exitCode = EXIT.FAIL;
    },
  );
}

#!/usr/bin/env node
/**
 * The `aipro` entry point. It loads only the module of the command group being run,
 * so `aipro models status` never pays for express, prom-client or nodemailer.
 */
import module from 'node:module';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, INTERRUPTED_LINE, isPromptExit } from './errors.js';
import { VERSION } from '../version.js';
import { OperatorError } from '../util/operator-error.js';
import { terminalWidth, wrapLine } from './table.js';
import { exitCode, io, withIo, type Io } from './io.js';

// Node ≥ 22 can cache compiled code on disk: the libraries a command loads after this point
// (express, prom-client, nodemailer…) then skip most of their compile time on the next start.
// Node 20 has no such API and simply skips this.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Register = (program: Command) => void;

/** Command groups: name -> what it is for, and how to load the files that register it. */
const GROUPS: Record<string, { summary: string; load: (argv: string[]) => Promise<Register[]> }> = {
  models: {
    summary:
      'credential status and auth profiles (status, auth ' +
      'paste-token|setup-token|add-key|login|list|remove|import|order)',
    // `models status` is the hot command (scripts, timers): it loads neither the auth commands
    // nor the OAuth code behind them (~3 ms of its start).
    load: async (argv) =>
      argv[1] === 'status'
        ? [(await import('./models-status.js')).register]
        : [
            (await import('./models-status.js')).register,
            (await import('./models-auth.js')).register,
            (await import('./models-oauth.js')).register,
          ],
  },
  config: {
    summary: 'read and change ~/.aipro/aipro.json',
    load: async () => [(await import('./config.js')).register],
  },
  doctor: {
    summary: 'check state, config, env, stores and units; --fix repairs safe things',
    load: async () => [(await import('./doctor.js')).register],
  },
  onboard: {
    summary: 'first-time setup wizard (or --non-interactive)',
    load: async () => [(await import('./onboard.js')).register],
  },
  monitor: {
    summary: 'run the monitor daemon (metrics + alerts), or --once for timers',
    load: async () => [(await import('./monitor.js')).register],
  },
  alerts: {
    summary: 'test channels, show alert state, silence a profile',
    load: async () => [(await import('./alerts.js')).register],
  },
  systemd: {
    summary: 'install, print or remove the systemd units',
    load: async () => [(await import('./systemd.js')).register],
  },
  launchd: {
    summary: 'install, print or remove the launchd jobs (macOS)',
    load: async () => [(await import('./launchd.js')).register],
  },
  gateway: {
    summary: 'run the credential-aware model gateway',
    load: async () => [(await import('./gateway.js')).register],
  },
  rules: {
    summary: 'print the Prometheus alert rules (plain or PrometheusRule), with your thresholds',
    load: async () => [(await import('./rules.js')).register],
  },
  store: {
    summary: 'fleet store in PostgreSQL: migrate, copy in/out, rekey',
    load: async () => [(await import('./store.js')).register],
  },
  completion: {
    summary: 'print a bash, zsh or fish completion script',
    load: async () => [(await import('./completion.js')).register],
  },
};

/**
 * commander echoes an unknown option or command word back ("unknown option '-xYz…'"). When a
 * pasted secret lands there (a token starting with '-', a key typed as a command), that echo
 * would print it; words that do not look like a flag or command name are hidden instead.
 */
export function hideSecretLookingWords(text: string): string {
  return text.replace(/(unknown (?:option|command) )'([^']*)'/g, (m, what: string, word: string) =>
    /^-{0,2}[A-Za-z][A-Za-z0-9-]{0,30}$/.test(word)
      ? m
      : `${what}(${word.length} characters, not shown: it does not look like a flag and may be a secret)`,
  );
}

/** Build the program with the groups needed for `argv` (all of them for top-level help). */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command('aipro')
    .description('Keeps the model-provider credentials of an AI gateway host healthy.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      outputError: (text, write) => write(hideSecretLookingWords(text)),
      writeOut: (text) => io().stdout.write(fitHelp(text, terminalWidth(io().stdout, io().env))),
      writeErr: (text) => io().stderr.write(text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok · 1 failed (or --check: expired/missing/invalid/rejected/refresh_failed) ·
2 --check: expiring · 64 usage error

Examples:
  aipro models status            # every credential, its status and expiry
  aipro models status --check    # for scripts: exit 0 ok, 1 broken, 2 expiring
  aipro doctor                   # diagnose state, config, env and stores`,
    );
  // Completion scripts describe every command, so `completion` loads every group too.
  const wanted =
    argv[0] && argv[0] !== 'completion' && Object.hasOwn(GROUPS, argv[0]) ? [argv[0]] : Object.keys(GROUPS);
  const loaded = await Promise.all(wanted.map((name) => (GROUPS[name] as (typeof GROUPS)[string]).load(argv)));
  for (const registers of loaded) for (const register of registers) register(program);
  helpForBareGroups(program);
  return program;
}

/**
 * Help on a terminal: commander fits its own columns, but the prose added after them is
 * wrapped here. Unindented lines are prose and wrap to the width; indented lines are example
 * commands and stay whole, so they still paste as one command. Pipes get the text as is.
 */
export function fitHelp(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  const out: string[] = [];
  let para: string[] = [];
  // A paragraph (consecutive prose lines) that does not fit is re-flowed as a whole, so it
  // does not turn ragged; one that fits keeps its own line breaks.
  const flush = () => {
    if (para.some((l) => l.length > width)) out.push(...wrapLine(para.join(' '), width, ''));
    else out.push(...para);
    para = [];
  };
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) para.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}

/**
 * A group run without a subcommand (`aipro`, `aipro alerts`, `aipro models auth`) prints its
 * help on stdout and exits 0, the same for every group. A stray word is still an unknown
 * command (exit 64, with commander's "did you mean").
 */
export function helpForBareGroups(cmd: Command): void {
  for (const sub of cmd.commands) helpForBareGroups(sub);
  if (cmd.commands.length === 0) return;
  cmd.allowExcessArguments(true).action(function (this: Command) {
    if (this.args.length > 0) (this as unknown as { unknownCommand(): never }).unknownCommand();
    this.outputHelp();
  });
}

/**
 * The help command for the deepest command named in `argv` (`aipro models auth order get
 * --help`), so a usage error names the next thing to type. Words after the last command name
 * (flags, values, a mistyped subcommand) are not echoed: one of them may be a secret.
 */
export function usageHelpCommand(program: Command, argv: string[]): string {
  const path = ['aipro'];
  let cmd: Command | undefined = program;
  for (const word of argv) {
    cmd = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!cmd) break;
    path.push(cmd.name());
  }
  return `${path.join(' ')} --help`;
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
  let program: Command | undefined;
  try {
    program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode() ?? EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT.OK;
      if (err.exitCode === 0) return EXIT.OK;
      io().stderr.write(`Run \`${program ? usageHelpCommand(program, argv) : 'aipro --help'}\` for usage.\n`);
      return EXIT.USAGE;
    }
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
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
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

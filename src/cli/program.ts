/**
 * The commander program: every command group, loaded only for the group being run, so
 * `aipro doctor` never pays for express, prom-client or nodemailer. `models status` with its
 * plain flags does not come here at all (see main.ts).
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from './errors.js';
import { VERSION } from '../version.js';
import { terminalWidth } from './table.js';
import { fitHelp, hideSecretLookingWords } from './help-text.js';
import { exitCode, io } from './io.js';

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
 * Parse `argv` with commander and run the command it names; returns the exit code. Usage
 * errors (and help, version) end here; every other error goes to the caller.
 */
export async function runProgram(argv: string[]): Promise<number> {
  let program: Command | undefined;
  try {
    program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode() ?? EXIT.OK;
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return EXIT.OK;
    if (err.exitCode === 0) return EXIT.OK;
    io().stderr.write(`Run \`${program ? usageHelpCommand(program, argv) : 'aipro --help'}\` for usage.\n`);
    return EXIT.USAGE;
  }
}

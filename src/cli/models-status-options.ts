/**
 * The options of `aipro models status`, declared once: `register` gives them to commander, and
 * `parseStatusArgv` reads them without it. Scripts and timers run `models status --check` so
 * often that building the commander program (and loading commander) is a measurable share of
 * its cold start; everything `parseStatusArgv` is not sure about goes to commander instead.
 */
import type { StatusOptions } from './models-status.js';

export interface StatusOption {
  flag: `--${string}`;
  key: keyof StatusOptions;
  /** The value placeholder of an option that takes one (`<ms>`); none for a boolean flag. */
  value?: `<${string}>`;
  description: string;
}

/** In the order `aipro models status --help` lists them. */
export const STATUS_OPTIONS: readonly StatusOption[] = [
  { flag: '--json', key: 'json', description: 'machine-readable output (schema in docs/cli.md)' },
  { flag: '--plain', key: 'plain', description: 'one tab-separated line per credential, no header' },
  {
    flag: '--check',
    key: 'check',
    description: 'exit 0 ok, 1 expired/missing/invalid/rejected/refresh_failed or unreadable store, 2 expiring',
  },
  { flag: '--probe', key: 'probe', description: 'check each credential live against its provider' },
  {
    flag: '--timeout',
    key: 'timeout',
    value: '<ms>',
    description: 'probe timeout in ms (default: monitor.probe.timeoutMs)',
  },
  {
    flag: '--concurrency',
    key: 'concurrency',
    value: '<n>',
    description: 'probes in flight (default: monitor.probe.concurrency)',
  },
  {
    flag: '--agent',
    key: 'agent',
    value: '<id>',
    description: 'only this agent (default: every agent; exit 64 if it does not exist)',
  },
  {
    flag: '--provider',
    key: 'provider',
    value: '<p>',
    description: 'only this provider (and report it missing if it has no credential)',
  },
  {
    flag: '--profile',
    key: 'profile',
    value: '<id>',
    description: 'only this profile (exit 64 if no profile matches)',
  },
  {
    flag: '--warn-hours',
    key: 'warnHours',
    value: '<n>',
    description: 'warn window in hours (default: auth.warnHours = 24)',
  },
  {
    flag: '--wide',
    key: 'wide',
    description: 'on a terminal, show every column and unwrapped lines (pipes always get them)',
  },
];

const BY_FLAG: ReadonlyMap<string, StatusOption> = new Map(STATUS_OPTIONS.map((o) => [o.flag, o]));

/**
 * The options of `aipro models status ARGS` exactly as commander would give them to the
 * command, or undefined when commander must parse ARGS: help, a usage error, or anything
 * the parent commands would read themselves (commander reads `-V`/`--version` anywhere on
 * the line, even where a value is expected, and `--` ends option parsing). So only the
 * declared flags, `--flag value` and `--flag=value` are taken here, and only values that do
 * not start with `-`. A repeated option keeps its last value, as in commander.
 */
export function parseStatusArgv(args: readonly string[]): StatusOptions | undefined {
  const opts: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const option = BY_FLAG.get(eq > 2 ? arg.slice(0, eq) : arg);
    if (!option) return undefined;
    if (option.value === undefined) {
      if (eq > 2) return undefined; // commander refuses `--json=…`
      opts[option.key] = true;
      continue;
    }
    const value = eq > 2 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value.startsWith('-')) return undefined;
    opts[option.key] = value;
  }
  return opts as StatusOptions;
}

/**
 * `aipro systemd install|print|uninstall`: render the unit templates with this host's node,
 * aipro, state dir and user; write and enable them, show them, or remove them.
 * The work is in src/systemd/ (loaded inside the actions); this file is flags and output.
 */
import type { Command } from 'commander';
import { CliError, EXIT, usageError } from './errors.js';
import { FLAVOUR_HELP, flavourOf, writeInstall, writeUninstall } from './installer-flags.js';
import { io, setExitCode } from './io.js';

interface Flags {
  user?: boolean;
  system?: boolean;
  units?: string;
  unitDir?: string;
  dryRun?: boolean;
  json?: boolean;
  force?: boolean;
  serviceUser?: string;
  credential?: string[];
  node?: string;
  aipro?: string;
}

function common(cmd: Command, withRender: boolean): Command {
  cmd
    .option('--user', 'user units (~/.config/systemd/user, systemctl --user)')
    .option('--system', 'system units (/etc/systemd/system, User=…)')
    .option('--units <list>', 'comma-separated: monitor, check (timer), gateway (default: monitor; uninstall: all)')
    .option('--unit-dir <dir>', 'use this directory instead; systemctl is not called')
    .option('--json', 'machine-readable output');
  if (withRender) {
    cmd
      .option('--service-user <name>', 'User= of system units (default: $SUDO_USER under sudo, else you)')
      .option(
        '--credential <id[:path]>',
        'add LoadCredential=ID[:PATH] to every service (repeatable)',
        (v: string, acc: string[] = []) => [...acc, v],
      )
      .option('--node <path>', 'node binary for ExecStart (default: this node)')
      .option('--aipro <path>', 'aipro entry for ExecStart (default: this aipro)');
  }
  return cmd;
}

export function register(program: Command): void {
  const systemd = program
    .command('systemd')
    .description('install, print or remove the systemd units (monitor daemon, 30-minute check timer, gateway)')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro systemd install --user             # the monitor daemon as a user unit\n  aipro ' +
        'systemd install --user --units check\n  aipro systemd print --system --units check\n  aipro systemd ' +
        'uninstall --user\n\nDocs: docs/systemd.md; status of installed units: aipro doctor',
    );
  common(systemd.command('install'), true)
    .description(`render the units for this host, write them, daemon-reload and enable --now (${FLAVOUR_HELP})`)
    .option('--dry-run', 'show what would be written and run; change nothing')
    .option('--force', 'overwrite same-named unit files that were not written by aipro')
    .addHelpText(
      'after',
      `
Exit codes: 0 installed (or already up to date) · 1 failed (a foreign file in the way, systemctl failed) · 64 usage

Examples:
  aipro systemd install --user                       # monitor daemon as a user unit
  sudo loginctl enable-linger "$USER"                # headless host: keep user units running
  aipro systemd install --user --units check         # oneshot check every 30 minutes instead
  sudo aipro systemd install --system --service-user aipro --units monitor,gateway
  aipro systemd install --credential anthropic-key:/etc/aipro/anthropic-key
  aipro systemd install --dry-run --json`,
    )
    .action(async (flags: Flags) => {
      setExitCode(await runInstall(flags));
    });
  common(systemd.command('print'), true)
    .description(`print the rendered units without writing anything (${FLAVOUR_HELP})`)
    .addHelpText(
      'after',
      '\nExamples:\n  aipro systemd print --user\n  aipro systemd print --system --units check --service-user ' +
        "aipro\n  aipro systemd print --json | jq -r '.units[].name'",
    )
    .action(async (flags: Flags) => {
      setExitCode(await runPrint(flags));
    });
  common(systemd.command('uninstall'), false)
    .description(`stop, disable and remove aipro's units; files not written by aipro are left alone (${FLAVOUR_HELP})`)
    .option('--dry-run', 'show what would be removed and run; change nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro systemd uninstall --user\n  aipro systemd uninstall --user --units gateway\n  sudo ' +
        'aipro systemd uninstall --system --dry-run',
    )
    .action(async (flags: Flags) => {
      setExitCode(await runUninstall(flags));
    });
}

async function unitSets(text: string | undefined, all = false) {
  const { parseUnitSets, UNIT_SET_NAMES } = await import('../systemd/units.js');
  const parsed = parseUnitSets(text ?? (all ? UNIT_SET_NAMES.join(',') : undefined));
  if (!parsed.ok) throw usageError(parsed.detail);
  return parsed.sets;
}

async function parseCredentials(values: string[] = []): Promise<{ id: string; path?: string }[]> {
  const { CREDENTIAL_ID_RE } = await import('../systemd/render.js');
  return values.map((v) => {
    const i = v.indexOf(':');
    const cred = i < 0 ? { id: v } : { id: v.slice(0, i), path: v.slice(i + 1) };
    if (!CREDENTIAL_ID_RE.test(cred.id))
      throw usageError(
        `--credential ${JSON.stringify(v)}: the id must be 1-64 of A-Z a-z 0-9 _ . - (it becomes a file name in ` +
          `$CREDENTIALS_DIRECTORY)`,
      );
    if (cred.path !== undefined && !cred.path.startsWith('/'))
      throw usageError(
        `--credential ${JSON.stringify(v)}: the path must be absolute (or leave it out to use ` +
          `/etc/credstore/${cred.id})`,
      );
    return cred;
  });
}

/** Render the requested units, or stop with why this host's paths cannot go in a unit. */
async function render(flags: Flags) {
  const { renderInputFor, renderSets } = await import('../systemd/input.js');
  const flavour = flavourOf(flags);
  const sets = await unitSets(flags.units);
  const req = {
    flavour,
    credentials: await parseCredentials(flags.credential),
    ...(flags.serviceUser ? { serviceUser: flags.serviceUser } : {}),
    ...(flags.node ? { node: flags.node } : {}),
    ...(flags.aipro ? { aipro: flags.aipro } : {}),
  };
  const input = renderInputFor(req, io().env);
  if (!input.ok) throw usageError(input.detail);
  const rendered = renderSets(input.input, sets);
  if (!rendered.ok)
    throw new CliError(`${rendered.detail}. Nothing was written; fix the path and run aipro systemd install again.`);
  return { flavour, sets, input: input.input, warnings: input.warnings, units: rendered.units };
}

async function runPrint(flags: Flags): Promise<number> {
  const { defaultUnitDir } = await import('../systemd/units.js');
  const { join } = await import('node:path');
  const r = await render(flags);
  const dir = flags.unitDir ?? defaultUnitDir(r.flavour, io().env);
  if (flags.json) {
    io().stdout.write(
      `${JSON.stringify(
        {
          flavour: r.flavour,
          unitDir: dir,
          warnings: r.warnings,
          units: r.units.map((u) => ({ name: u.name, path: join(dir, u.name), text: u.text })),
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  for (const w of r.warnings) io().stderr.write(`warning: ${w}\n`);
  io().stdout.write(r.units.map((u) => `# ==> ${join(dir, u.name)} <==\n${u.text}`).join('\n'));
  return EXIT.OK;
}

async function runInstall(flags: Flags): Promise<number> {
  const { install } = await import('../systemd/install.js');
  const { formatInstall } = await import('../systemd/report.js');
  const r = await render(flags);
  const report = await install(
    {
      flavour: r.flavour,
      sets: r.sets,
      units: r.units,
      user: r.input.user,
      stateDir: r.input.stateDir,
      warnings: r.warnings,
      dryRun: Boolean(flags.dryRun),
      force: Boolean(flags.force),
      ...(flags.unitDir ? { unitDir: flags.unitDir } : {}),
    },
    io().env,
  );
  const failed = report.systemctl === 'conflict' || report.ran.some((x) => !x.ok);
  writeInstall(report, r.input, failed, flags.json, formatInstall);
  return failed ? EXIT.FAIL : EXIT.OK;
}

async function runUninstall(flags: Flags): Promise<number> {
  const { uninstall } = await import('../systemd/uninstall.js');
  const { formatUninstall } = await import('../systemd/report.js');
  const sets = await unitSets(flags.units, true);
  const report = await uninstall(
    {
      flavour: flavourOf(flags),
      sets,
      dryRun: Boolean(flags.dryRun),
      ...(flags.unitDir ? { unitDir: flags.unitDir } : {}),
    },
    io().env,
  );
  const failed = report.ran.some((x) => !x.ok);
  writeUninstall(report, failed, flags.json, formatUninstall);
  return failed ? EXIT.FAIL : EXIT.OK;
}

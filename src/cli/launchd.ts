/**
 * `aipro launchd install|print|uninstall`: render the launchd plists (macOS LaunchAgents or
 * LaunchDaemons) with this host's node, aipro and state dir; write and load them, show them,
 * or remove them. The work is in src/launchd/ (loaded inside the actions); this file is flags
 * and output.
 */
import type { Command } from 'commander';
import { CliError, EXIT, usageError } from './errors.js';
import { FLAVOUR_HELP, flavourOf, writeInstall, writeUninstall } from './installer-flags.js';
import { io, setExitCode } from './io.js';

interface Flags {
  user?: boolean;
  system?: boolean;
  units?: string;
  dir?: string;
  dryRun?: boolean;
  json?: boolean;
  force?: boolean;
  node?: string;
  aipro?: string;
}

function common(cmd: Command, withRender: boolean): Command {
  cmd
    .option('--user', 'LaunchAgents (~/Library/LaunchAgents, your login session)')
    .option('--system', 'LaunchDaemons (/Library/LaunchDaemons, run at boot as UserName)')
    .option(
      '--units <list>',
      'comma-separated: monitor, check (every 30 min), gateway (default: monitor; uninstall: all)',
    )
    .option('--dir <dir>', 'use this directory instead; launchctl is not called')
    .option('--json', 'machine-readable output');
  if (withRender) {
    cmd
      .option('--node <path>', 'node binary for ProgramArguments (default: this node)')
      .option('--aipro <path>', 'aipro entry for ProgramArguments (default: this aipro)');
  }
  return cmd;
}

export function register(program: Command): void {
  const launchd = program
    .command('launchd')
    .description('install, print or remove the launchd jobs on macOS (monitor daemon, 30-minute check, gateway)')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro launchd install                   # the monitor daemon as a LaunchAgent\n  aipro ' +
        'launchd install --units check\n  aipro launchd print --system --units monitor,gateway\n  aipro launchd ' +
        'uninstall\n\nDocs: docs/systemd.md#launchd-macos',
    );
  common(launchd.command('install'), true)
    .description(`render the plists for this host, write them and launchctl bootstrap them (${FLAVOUR_HELP})`)
    .option('--dry-run', 'show what would be written and run; change nothing')
    .option('--force', 'overwrite same-named plists that were not written by aipro')
    .addHelpText(
      'after',
      `
Exit codes: 0 installed (or already up to date) · 1 failed (a foreign file in the way, launchctl failed) · 64 usage

Examples:
  aipro launchd install                              # monitor daemon as a LaunchAgent
  aipro launchd install --units check                # aipro monitor --once every 30 minutes instead
  sudo aipro launchd install --system --units monitor,gateway   # headless Mac: at boot, as you
  aipro launchd install --dir ./out --units check    # just write the files (review, packaging)
  aipro launchd install --dry-run --json`,
    )
    .action(async (flags: Flags) => {
      setExitCode(await runInstall(flags));
    });
  common(launchd.command('print'), true)
    .description(`print the rendered plists without writing anything (${FLAVOUR_HELP})`)
    .addHelpText(
      'after',
      '\nExamples:\n  aipro launchd print\n  aipro launchd print --system --units check\n  aipro launchd print ' +
        "--json | jq -r '.plists[].path'",
    )
    .action(async (flags: Flags) => {
      setExitCode(await runPrint(flags));
    });
  common(launchd.command('uninstall'), false)
    .description(
      `launchctl bootout and remove aipro's plists; files not written by aipro are left alone (${FLAVOUR_HELP})`,
    )
    .option('--dry-run', 'show what would be removed and run; change nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro launchd uninstall\n  aipro launchd uninstall --units gateway\n  sudo aipro launchd ' +
        'uninstall --system --dry-run',
    )
    .action(async (flags: Flags) => {
      setExitCode(await runUninstall(flags));
    });
}

async function jobNames(text: string | undefined, all = false) {
  const { parseJobNames, JOB_NAMES } = await import('../launchd/jobs.js');
  const parsed = parseJobNames(text ?? (all ? JOB_NAMES.join(',') : undefined));
  if (!parsed.ok) throw usageError(parsed.detail);
  return parsed.jobs;
}

/** Render the requested jobs, or stop with why this host's paths cannot go in a plist. */
async function render(flags: Flags) {
  const { renderInputFor, renderJobs } = await import('../launchd/input.js');
  const flavour = flavourOf(flags);
  const jobs = await jobNames(flags.units);
  for (const [flag, path] of [
    ['--node', flags.node],
    ['--aipro', flags.aipro],
  ] as const) {
    if (path !== undefined && !path.startsWith('/'))
      throw usageError(`${flag} must be an absolute path (launchd runs it from /)`);
  }
  const input = renderInputFor(
    { flavour, ...(flags.node ? { node: flags.node } : {}), ...(flags.aipro ? { aipro: flags.aipro } : {}) },
    io().env,
  );
  if (!input.ok) throw usageError(input.detail);
  const rendered = renderJobs(input.input, jobs);
  if (!rendered.ok)
    throw new CliError(`${rendered.detail}. Nothing was written; fix the path and run aipro launchd install again.`);
  return { flavour, jobs, input: input.input, warnings: input.warnings, plists: rendered.plists };
}

async function runPrint(flags: Flags): Promise<number> {
  const { defaultPlistDir } = await import('../launchd/jobs.js');
  const { join, resolve } = await import('node:path');
  const r = await render(flags);
  const dir = flags.dir ? resolve(flags.dir) : defaultPlistDir(r.flavour, io().env);
  if (flags.json) {
    io().stdout.write(
      `${JSON.stringify(
        {
          flavour: r.flavour,
          dir,
          warnings: r.warnings,
          plists: r.plists.map((p) => ({ job: p.job, label: p.label, path: join(dir, p.name), text: p.text })),
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  for (const w of r.warnings) io().stderr.write(`warning: ${w}\n`);
  io().stdout.write(r.plists.map((p) => `<!-- ==> ${join(dir, p.name)} <== -->\n${p.text}`).join('\n'));
  return EXIT.OK;
}

async function runInstall(flags: Flags): Promise<number> {
  const { install } = await import('../launchd/install.js');
  const { formatInstall } = await import('../launchd/report.js');
  const { resolve } = await import('node:path');
  const r = await render(flags);
  const report = await install(
    {
      flavour: r.flavour,
      plists: r.plists,
      stateDir: r.input.stateDir,
      warnings: r.warnings,
      dryRun: Boolean(flags.dryRun),
      force: Boolean(flags.force),
      ...(flags.dir ? { dir: resolve(flags.dir) } : {}),
    },
    io().env,
  );
  const failed = report.launchctl === 'conflict' || report.ran.some((x) => !x.ok);
  writeInstall(report, r.input, failed, flags.json, formatInstall);
  return failed ? EXIT.FAIL : EXIT.OK;
}

async function runUninstall(flags: Flags): Promise<number> {
  const { uninstall } = await import('../launchd/uninstall.js');
  const { formatUninstall } = await import('../launchd/report.js');
  const { resolve } = await import('node:path');
  const jobs = await jobNames(flags.units, true);
  const report = uninstall(
    {
      flavour: flavourOf(flags),
      jobs,
      dryRun: Boolean(flags.dryRun),
      ...(flags.dir ? { dir: resolve(flags.dir) } : {}),
    },
    io().env,
  );
  const failed = report.ran.some((x) => !x.ok);
  writeUninstall(report, failed, flags.json, formatUninstall);
  return failed ? EXIT.FAIL : EXIT.OK;
}

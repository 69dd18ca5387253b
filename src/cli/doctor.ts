/**
 * `aipro doctor [--fix] [--yes] [--json]`: diagnose the state dir, config, env, every
 * agent's store, locks, daemon env and systemd units. Runs even when the config is bad.
 * Exit 0 when no check is an error, 1 otherwise (after repairs, with --fix).
 */
import type { Command } from 'commander';
import type { Finding } from '../doctor/context.js';
import type { DoctorReport } from '../doctor/run.js';
import { EXIT, INTERRUPTED_LINE, isPromptExit } from './errors.js';
import { colorizer, terminalWidth, wrapLine } from './table.js';
import { io, setExitCode } from './io.js';

interface DoctorOptions {
  fix?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** Version of the `--json` document. */
export const DOCTOR_JSON_VERSION = 1;

function toJson(r: DoctorReport) {
  return {
    version: DOCTOR_JSON_VERSION,
    ok: r.errors === 0,
    errors: r.errors,
    warnings: r.warnings,
    checks: r.checks.map(({ repair: _r, ...c }) => c),
    repairs: r.repairs.map((x) => ({ kind: x.repair.kind, path: x.repair.path, done: x.done, detail: x.detail })),
    notes: r.notes,
  };
}

function renderText(r: DoctorReport, fix: boolean): string {
  const c = colorizer(io().stdout, io().env);
  const tag = (f: Finding) =>
    f.level === 'error' ? c.red('error') : f.level === 'warn' ? c.yellow('warn ') : c.green('ok   ');
  const out: string[] = [];
  for (const f of r.checks) {
    out.push(`${tag(f)} ${f.summary}`);
    if (f.level !== 'ok' && f.fix) out.push(`      fix: ${f.fix}`);
  }
  if (r.repairs.length || r.notes.length) {
    out.push('', 'Repairs:');
    for (const x of r.repairs) out.push(`  ${x.done ? 'done' : 'skipped'}: ${x.detail}`);
    for (const n of r.notes) out.push(`  note: ${n}`);
  }
  const fixable = r.checks.filter((f) => f.level !== 'ok' && f.fixable);
  // The consent note only when a restore is among the repairs: chmods need no consent.
  const restores = fixable.some((f) => f.repair?.kind === 'restore');
  out.push(
    '',
    `${r.errors} error(s), ${r.warnings} warning(s).` +
      (fixable.length && !fix
        ? ` \`aipro doctor --fix\` can repair ${fixable.length} of ` +
          `them${restores ? ' (restoring a store needs --yes or a terminal)' : ''}.`
        : ''),
  );
  // On a terminal each finding wraps under its text, as `models status` hints do.
  const width = terminalWidth(io().stdout, io().env);
  return `${(width === undefined ? out : out.flatMap((l) => wrapLine(l, width, '      '))).join('\n')}\n`;
}

async function consentFor(opts: DoctorOptions): Promise<(q: string) => Promise<boolean>> {
  if (opts.yes) return async () => true;
  if (!io().stdin.isTTY || opts.json) return async () => false;
  const { confirm } = await import('@inquirer/prompts');
  // The repairs treat a failed consent as "not repaired"; Ctrl-C must stop the command instead.
  return (message) =>
    confirm({ message, default: false }).catch((err: unknown) => {
      if (!isPromptExit(err)) throw err;
      io().stderr.write(INTERRUPTED_LINE);
      process.exit(EXIT.INTERRUPTED);
    });
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check state, config, env, stores, locks and units; --fix repairs safe things')
    .option('--fix', 'repair safe things: file modes, stale locks, restore a broken store from .bak (asks first)')
    .option('--yes', 'with --fix: restore broken stores from .bak without asking')
    .option('--json', 'machine-readable report')
    .addHelpText(
      'after',
      `
--fix never adds, changes or removes a credential. Exit 0 when no check is an error, else 1.

Examples:
  aipro doctor
  aipro doctor --fix
  aipro doctor --fix --yes --json | jq '.checks[] | select(.level != "ok")'`,
    )
    .action(async (opts: DoctorOptions) => {
      const { runDoctor } = await import('../doctor/run.js');
      const { env, cwd } = io();
      const report = await runDoctor({ fix: Boolean(opts.fix), consent: await consentFor(opts), processEnv: env, cwd });
      io().stdout.write(
        opts.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderText(report, Boolean(opts.fix)),
      );
      setExitCode(report.errors === 0 ? EXIT.OK : EXIT.FAIL);
    });
}

/**
 * `aipro launchd install`: write the rendered plists (only ours, only when they changed),
 * create the log directory, then load them with `launchctl bootstrap` — only on macOS and
 * never for `--dir` (packaging, review); elsewhere say so and print the commands.
 */
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../store/paths.js';
import { writeFileDurable } from '../store/write.js';
import { runCommand, shellLine, type CommandResult } from '../util/command.js';
import type { InstallFileAction } from '../util/install-report.js';
import { splitManaged } from '../util/managed-files.js';
import { MANAGED_MARKER, defaultPlistDir, launchdDomain, type Flavour } from './jobs.js';
import type { RenderedPlist } from './render.js';

export type FileAction = InstallFileAction;

export interface FilePlan {
  label: string;
  path: string;
  action: FileAction;
}

/** Why launchctl was or was not run. */
export type LaunchctlMode = 'ran' | 'not_macos' | 'dir' | 'dry_run' | 'up_to_date' | 'conflict';

/** Host facts, injectable so the macOS path runs in tests on any OS. */
export interface HostDeps {
  platform: NodeJS.Platform;
  uid: number;
  run: (argv: string[]) => CommandResult;
}

export const REAL_HOST: HostDeps = {
  platform: process.platform,
  uid: process.getuid?.() ?? 0,
  run: (argv) => runCommand(argv),
};

export interface Step {
  argv: string[];
  /** `bootout` of a job that is not loaded fails; that is fine. */
  mayFail?: boolean;
}

export interface InstallRequest {
  flavour: Flavour;
  plists: RenderedPlist[];
  dir?: string;
  dryRun?: boolean;
  force?: boolean;
  /** The jobs' state dir: its `logs/` is created (launchd does not create the log files' directory). */
  stateDir: string;
  warnings?: string[];
}

export interface InstallReport {
  flavour: Flavour;
  dir: string;
  dryRun: boolean;
  files: FilePlan[];
  launchctl: LaunchctlMode;
  /** The launchctl commands needed (run, or to run by hand). */
  commands: string[];
  ran: { command: string; ok: boolean; output: string }[];
  logDir: string;
  warnings: string[];
  /** True when a file was (or, with --dry-run, would be) written. */
  changed: boolean;
}

/** Compare each rendered plist with what is on disk; a file without our marker is a conflict. */
export function planFiles(plists: RenderedPlist[], dir: string, force = false): FilePlan[] {
  return plists.map(({ name, label, text }) => {
    const path = join(dir, name);
    let current: string | null = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = null;
    }
    const action: FileAction =
      current === null
        ? 'create'
        : current === text
          ? 'unchanged'
          : current.includes(MANAGED_MARKER) || force
            ? 'update'
            : 'conflict';
    return { label, path, action };
  });
}

/** The launchctl steps that load `files`: a changed job is booted out first so the new plist takes effect. */
export function launchctlSteps(
  flavour: Flavour,
  files: FilePlan[],
  uid: number,
  loaded: (label: string) => boolean,
): Step[] {
  const domain = launchdDomain(flavour, uid);
  const steps: Step[] = [];
  for (const f of files) {
    if (f.action === 'conflict' || (f.action === 'unchanged' && loaded(f.label))) continue;
    if (f.action === 'update') steps.push({ argv: ['launchctl', 'bootout', `${domain}/${f.label}`], mayFail: true });
    // A job disabled by an earlier `launchctl disable` refuses to bootstrap.
    steps.push(
      { argv: ['launchctl', 'enable', `${domain}/${f.label}`] },
      { argv: ['launchctl', 'bootstrap', domain, f.path] },
    );
  }
  return steps;
}

/** Is `label` loaded in its domain? (`launchctl print` exits non-zero for an unknown service.) */
export function isLoaded(host: HostDeps, flavour: Flavour, label: string): boolean {
  return host.run(['launchctl', 'print', `${launchdDomain(flavour, host.uid)}/${label}`]).ok;
}

/** The log dir, created 0700 and, under sudo, handed to the user the jobs run as. */
function makeLogDir(path: string, env: Env, warnings: string[]): void {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (env.SUDO_UID && env.SUDO_GID && process.getuid?.() === 0) {
    try {
      chownSync(path, Number(env.SUDO_UID), Number(env.SUDO_GID));
    } catch (err) {
      warnings.push(
        `could not hand ${path} to uid ${env.SUDO_UID} (${(err as NodeJS.ErrnoException).code}); the jobs cannot ` +
          `write their logs until you do: sudo chown ${env.SUDO_UID} ${path}`,
      );
    }
  }
}

/** Write the plists and load them; every outcome is in the report, nothing is thrown for expected failures. */
export async function install(req: InstallRequest, env: Env, host: HostDeps = REAL_HOST): Promise<InstallReport> {
  const dir = req.dir ?? defaultPlistDir(req.flavour, env);
  const files = planFiles(req.plists, dir, req.force);
  const logDir = join(req.stateDir, 'logs');
  const warnings = [...(req.warnings ?? [])];
  const macos = host.platform === 'darwin' && req.dir === undefined;
  const loaded = (label: string) => (macos ? isLoaded(host, req.flavour, label) : true);
  const steps = launchctlSteps(req.flavour, files, host.uid, loaded);
  const report: InstallReport = {
    flavour: req.flavour,
    dir,
    dryRun: Boolean(req.dryRun),
    files,
    launchctl: 'dry_run',
    commands: steps.map((s) => shellLine(s.argv)),
    ran: [],
    logDir,
    warnings,
    changed: files.some((f) => f.action === 'create' || f.action === 'update'),
  };
  if (files.some((f) => f.action === 'conflict')) {
    report.launchctl = 'conflict';
    return report;
  }
  if (req.dryRun) return report;
  if (req.dir === undefined) makeLogDir(logDir, env, warnings);
  for (const f of files) {
    if (f.action !== 'create' && f.action !== 'update') continue;
    const plist = req.plists.find((p) => p.label === f.label) as RenderedPlist;
    // 0644: launchd refuses a plist that is group- or world-writable.
    await writeFileDurable(f.path, plist.text, 0o644);
  }
  if (req.dir !== undefined) report.launchctl = 'dir';
  else if (host.platform !== 'darwin') report.launchctl = 'not_macos';
  else if (steps.length === 0) report.launchctl = 'up_to_date';
  else {
    report.launchctl = 'ran';
    for (const s of steps) {
      const r = host.run(s.argv);
      report.ran.push({ command: shellLine(s.argv), ok: r.ok || Boolean(s.mayFail), output: r.output });
      if (!r.ok && !s.mayFail) break;
    }
  }
  return report;
}

/** Plists of `labels` that exist in `dir`, split into ours and someone else's. */
export function existingPlists(dir: string, labels: string[]): { ours: string[]; foreign: string[] } {
  return splitManaged(
    labels.map((label) => [label, join(dir, `${label}.plist`)] as const),
    MANAGED_MARKER,
  );
}

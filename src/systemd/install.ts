/**
 * `aipro systemd install`: write the rendered units (only ours, only when they changed),
 * then `daemon-reload` and `enable --now` — or, where systemd is not running or the files
 * went to `--unit-dir`, say so and print the commands to run.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../store/paths.js';
import { writeFileDurable } from '../store/write.js';
import type { InstallFileAction } from '../util/install-report.js';
import { splitManaged } from '../util/managed-files.js';
import { lingerEnabled, runCommand, shellLine, systemdRunning, type CommandResult } from './host.js';
import type { RenderedUnit } from './input.js';
import {
  MANAGED_MARKER,
  UNIT_SETS,
  defaultUnitDir,
  systemctlArgs,
  wantedByTarget,
  type Flavour,
  type UnitSetName,
} from './units.js';

export type FileAction = InstallFileAction;

export interface FilePlan {
  unit: string;
  path: string;
  action: FileAction;
}

/** Why systemctl was or was not run. */
export type SystemctlMode = 'ran' | 'not_running' | 'unit_dir' | 'dry_run' | 'up_to_date' | 'conflict';

export interface InstallReport {
  flavour: Flavour;
  unitDir: string;
  dryRun: boolean;
  files: FilePlan[];
  /** Units `enable --now` is for (the timer, not its service). */
  enable: string[];
  systemctl: SystemctlMode;
  /** The commands needed (run, or to run by hand). */
  commands: string[];
  ran: { command: string; ok: boolean; output: string }[];
  warnings: string[];
  /** True when a file was (or, with --dry-run, would be) written. */
  changed: boolean;
}

export interface InstallRequest {
  flavour: Flavour;
  sets: UnitSetName[];
  units: RenderedUnit[];
  unitDir?: string;
  dryRun?: boolean;
  force?: boolean;
  /** The user whose linger matters for user units. */
  user: string;
  /** The units' state dir: created (0700) for user units when missing, or they fail with 226/NAMESPACE. */
  stateDir?: string;
  warnings?: string[];
}

/** Host facts, injectable so the plan can be exercised where systemd is not PID 1. */
export interface HostDeps {
  systemdRunning: () => boolean;
  lingerEnabled: (user: string) => boolean;
  run: (argv: string[]) => CommandResult;
}

export const REAL_HOST: HostDeps = {
  systemdRunning: () => systemdRunning(),
  lingerEnabled: (u) => lingerEnabled(u),
  run: (argv) => runCommand(argv),
};

/** Compare each rendered unit with what is on disk; a file without our marker is a conflict. */
export function planFiles(units: RenderedUnit[], dir: string, force = false): FilePlan[] {
  return units.map(({ name, text }) => {
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
    return { unit: name, path, action };
  });
}

/** Is `unit` enabled in `dir` (its symlink in the target's `.wants/`)? Works without systemd. */
export function isEnabledIn(dir: string, unit: string, flavour: Flavour): boolean {
  try {
    return lstatSync(join(dir, `${wantedByTarget(unit, flavour)}.wants`, unit)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The systemctl commands that bring the host in line with `files`. */
export function systemctlCommands(flavour: Flavour, files: FilePlan[], enable: string[], dir: string): string[][] {
  const base = systemctlArgs(flavour);
  const changed = files.filter((f) => f.action === 'create' || f.action === 'update');
  const notEnabled = enable.filter((u) => !isEnabledIn(dir, u, flavour));
  if (changed.length === 0 && notEnabled.length === 0) return [];
  const cmds = [
    [...base, 'daemon-reload'],
    [...base, 'enable', '--now', ...enable],
  ];
  // enable --now leaves a running service on its old definition: restart what was updated.
  const updated = files.filter((f) => f.action === 'update').map((f) => f.unit);
  if (updated.length > 0) cmds.push([...base, 'try-restart', ...updated]);
  return cmds;
}

/** Write the units and enable them; every outcome is in the report, nothing is thrown for expected failures. */
export async function install(req: InstallRequest, env: Env, host: HostDeps = REAL_HOST): Promise<InstallReport> {
  const dir = req.unitDir ?? defaultUnitDir(req.flavour, env);
  const files = planFiles(req.units, dir, req.force);
  const enable = req.sets.map((s) => UNIT_SETS[s].enable);
  const warnings = [...(req.warnings ?? [])];
  const report: InstallReport = {
    flavour: req.flavour,
    unitDir: dir,
    dryRun: Boolean(req.dryRun),
    files,
    enable,
    systemctl: 'dry_run',
    commands: [],
    ran: [],
    warnings,
    changed: false,
  };
  report.changed = files.some((f) => f.action === 'create' || f.action === 'update');
  const commands = systemctlCommands(req.flavour, files, enable, dir);
  report.commands = commands.map(shellLine);
  if (files.some((f) => f.action === 'conflict')) {
    report.systemctl = 'conflict';
    return report;
  }
  // Only where systemd runs: elsewhere (containers) there is no manager for linger to keep alive.
  if (req.flavour === 'user' && !req.unitDir && host.systemdRunning() && !host.lingerEnabled(req.user)) {
    warnings.push(
      `linger is off for ${req.user}: user units start only with a login session and stop when it ends. On a ` +
        `headless host run: sudo loginctl enable-linger ${req.user}`,
    );
  }
  if (req.dryRun) return report;
  if (req.flavour === 'user' && !req.unitDir && req.stateDir && !existsSync(req.stateDir)) {
    mkdirSync(req.stateDir, { recursive: true, mode: 0o700 });
    warnings.push(
      `created the state dir ${req.stateDir} (the sandbox's only writable path); add credentials with aipro onboard`,
    );
  }
  for (const f of files) {
    if (f.action !== 'create' && f.action !== 'update') continue;
    const unit = req.units.find((u) => u.name === f.unit) as RenderedUnit;
    await writeFileDurable(f.path, unit.text, 0o644);
  }
  if (req.unitDir) report.systemctl = 'unit_dir';
  else if (commands.length === 0) report.systemctl = 'up_to_date';
  else if (!host.systemdRunning()) report.systemctl = 'not_running';
  else {
    report.systemctl = 'ran';
    for (const argv of commands) {
      const r = host.run(argv);
      report.ran.push({ command: shellLine(argv), ok: r.ok, output: r.output });
      if (!r.ok) break;
    }
  }
  return report;
}

/** Files that exist in `dir` for `sets`, split into ours and someone else's. */
export function existingFiles(dir: string, sets: UnitSetName[]): { ours: string[]; foreign: string[] } {
  return splitManaged(
    sets.flatMap((s) => UNIT_SETS[s].files.map((name) => [name, join(dir, name)] as const)),
    MANAGED_MARKER,
  );
}

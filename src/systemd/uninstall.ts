/**
 * `aipro systemd uninstall`: stop and disable our units, remove only files carrying our
 * marker (and enable symlinks pointing at them), then `daemon-reload`.
 */
import { lstatSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from '../store/paths.js';
import { shellLine } from './host.js';
import { existingFiles, REAL_HOST, type HostDeps, type SystemctlMode } from './install.js';
import { UNIT_SETS, defaultUnitDir, systemctlArgs, type Flavour, type UnitSetName } from './units.js';

export interface UninstallRequest {
  flavour: Flavour;
  sets: UnitSetName[];
  unitDir?: string;
  dryRun?: boolean;
}

export interface UninstallReport {
  flavour: Flavour;
  unitDir: string;
  dryRun: boolean;
  /** Our files that were (or would be) removed. */
  removed: string[];
  /** Enable symlinks removed (`*.wants/<unit>` pointing at a removed file). */
  links: string[];
  /** Same-named files without our marker: left alone. */
  skipped: string[];
  systemctl: Exclude<SystemctlMode, 'conflict'>;
  commands: string[];
  ran: { command: string; ok: boolean; output: string }[];
}

/** Symlinks in `dir/*.wants/` named like one of `units` that point into `dir` (or nowhere). */
function enableLinks(dir: string, units: string[]): string[] {
  const links: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).filter((e) => e.endsWith('.wants') || e.endsWith('.requires'));
  } catch {
    return links;
  }
  for (const wants of entries) {
    for (const unit of units) {
      const link = join(dir, wants, unit);
      try {
        if (!lstatSync(link).isSymbolicLink()) continue;
        const target = resolve(join(dir, wants), readlinkSync(link));
        if (target === join(dir, unit)) links.push(link);
      } catch {
        // No such link.
      }
    }
  }
  return links;
}

/** Remove our units from the flavour's unit dir (or `--unit-dir`). */
export async function uninstall(req: UninstallRequest, env: Env, host: HostDeps = REAL_HOST): Promise<UninstallReport> {
  const dir = req.unitDir ?? defaultUnitDir(req.flavour, env);
  const { ours, foreign } = existingFiles(dir, req.sets);
  const base = systemctlArgs(req.flavour);
  const enable: string[] = req.sets.map((s) => UNIT_SETS[s].enable).filter((u: string) => ours.includes(u));
  // Disable also stops the services a timer started; the oneshot is stopped explicitly.
  const stopOnly = ours.filter((u) => !enable.includes(u));
  const before: string[][] = [];
  if (enable.length > 0) before.push([...base, 'disable', '--now', ...enable]);
  if (stopOnly.length > 0) before.push([...base, 'stop', ...stopOnly]);
  const after: string[][] = ours.length > 0 ? [[...base, 'daemon-reload']] : [];
  const report: UninstallReport = {
    flavour: req.flavour,
    unitDir: dir,
    dryRun: Boolean(req.dryRun),
    removed: ours.map((u) => join(dir, u)),
    links: enableLinks(dir, ours),
    skipped: foreign.map((u) => join(dir, u)),
    systemctl: 'dry_run',
    commands: [...before, ...after].map(shellLine),
    ran: [],
  };
  if (req.dryRun) return report;
  const useSystemctl = !req.unitDir && ours.length > 0 && host.systemdRunning();
  if (useSystemctl) {
    for (const argv of before) {
      const r = host.run(argv);
      report.ran.push({ command: shellLine(argv), ok: r.ok, output: r.output });
    }
  }
  // systemctl disable removed the links it knew; remove what is left (offline installs).
  for (const link of enableLinks(dir, ours)) rmSync(link, { force: true });
  for (const path of report.removed) rmSync(path, { force: true });
  if (useSystemctl) {
    for (const argv of after) {
      const r = host.run(argv);
      report.ran.push({ command: shellLine(argv), ok: r.ok, output: r.output });
    }
    report.systemctl = 'ran';
  } else report.systemctl = req.unitDir ? 'unit_dir' : ours.length === 0 ? 'up_to_date' : 'not_running';
  return report;
}

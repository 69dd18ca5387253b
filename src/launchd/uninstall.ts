/**
 * `aipro launchd uninstall`: unload our jobs (`launchctl bootout`, macOS only, never for
 * `--dir`) and remove only plists carrying our marker. Logs are left in place.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../store/paths.js';
import { shellLine } from '../util/command.js';
import { existingPlists, isLoaded, REAL_HOST, type HostDeps, type LaunchctlMode } from './install.js';
import { JOBS, defaultPlistDir, launchdDomain, type Flavour, type JobName } from './jobs.js';

export interface UninstallRequest {
  flavour: Flavour;
  jobs: JobName[];
  dir?: string;
  dryRun?: boolean;
}

export interface UninstallReport {
  flavour: Flavour;
  dir: string;
  dryRun: boolean;
  /** Our plists that were (or would be) removed. */
  removed: string[];
  /** Same-named plists without our marker: left alone. */
  skipped: string[];
  launchctl: Exclude<LaunchctlMode, 'conflict'>;
  commands: string[];
  ran: { command: string; ok: boolean; output: string }[];
}

/** Remove our plists from the flavour's directory (or `--dir`). */
export function uninstall(req: UninstallRequest, env: Env, host: HostDeps = REAL_HOST): UninstallReport {
  const dir = req.dir ?? defaultPlistDir(req.flavour, env);
  const { ours, foreign } = existingPlists(
    dir,
    req.jobs.map((j) => JOBS[j].label),
  );
  const macos = host.platform === 'darwin' && req.dir === undefined;
  const domain = launchdDomain(req.flavour, host.uid);
  // Only loaded jobs are booted out (on other hosts: what would be, for the printed commands).
  const steps = ours
    .filter((label) => !macos || isLoaded(host, req.flavour, label))
    .map((label) => ['launchctl', 'bootout', `${domain}/${label}`]);
  const report: UninstallReport = {
    flavour: req.flavour,
    dir,
    dryRun: Boolean(req.dryRun),
    removed: ours.map((l) => join(dir, `${l}.plist`)),
    skipped: foreign.map((l) => join(dir, `${l}.plist`)),
    launchctl: 'dry_run',
    commands: steps.map(shellLine),
    ran: [],
  };
  if (req.dryRun) return report;
  if (macos)
    for (const argv of steps) {
      const r = host.run(argv);
      report.ran.push({ command: shellLine(argv), ok: r.ok, output: r.output });
    }
  for (const path of report.removed) rmSync(path, { force: true });
  report.launchctl = req.dir !== undefined ? 'dir' : ours.length === 0 ? 'up_to_date' : !macos ? 'not_macos' : 'ran';
  return report;
}

/**
 * The launchd jobs aipro ships, in one literal map (the same `--units` names as systemd):
 * label, what aipro command the job runs, and how launchd keeps it running. Plus where each
 * flavour's plists live and the `launchctl` domain they load into.
 */
import { join } from 'node:path';
import { homeDir, type Env } from '../store/paths.js';
import { parseUnitsFlag } from '../util/units-flag.js';

/** `--user`: a LaunchAgent of your login session; `--system`: a LaunchDaemon run as `UserName`. */
export type Flavour = 'user' | 'system';

export interface Job {
  /** launchd label and plist file name (`<label>.plist`); reverse-DNS under `dev.aipro.`. */
  label: string;
  /** aipro's arguments (after node and the aipro entry). */
  args: readonly string[];
  /** `keepalive`: restarted whenever it exits; `interval`: started every `intervalS` and at load. */
  mode: 'keepalive' | 'interval';
  intervalS?: number;
  /** Seconds launchd waits after SIGTERM before SIGKILL: the daemon finishes its cycle and alert run. */
  exitTimeoutS: number;
  summary: string;
}

/** `--units` names → jobs. Adding a job = one line here. */
export const JOBS = {
  monitor: {
    label: 'dev.aipro.monitor',
    args: ['monitor'],
    mode: 'keepalive',
    exitTimeoutS: 40,
    summary: 'the monitor daemon (metrics on monitor.listen, alerts)',
  },
  check: {
    label: 'dev.aipro.auth-check',
    args: ['monitor', '--once'],
    mode: 'interval',
    intervalS: 1800,
    exitTimeoutS: 20,
    summary: '`aipro monitor --once` every 30 minutes and at load',
  },
  gateway: {
    label: 'dev.aipro.gateway',
    args: ['gateway'],
    mode: 'keepalive',
    exitTimeoutS: 20,
    summary: 'the model gateway',
  },
} as const satisfies Record<string, Job>;

export type JobName = keyof typeof JOBS;

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** What `install` sets up when `--units` is not given: the daemon (metrics + alerts). */
export const DEFAULT_JOBS: JobName[] = ['monitor'];

/** The comment that marks a plist as ours; files without it are never changed or removed. */
export const MANAGED_MARKER = 'Managed by aipro:';

/** Parse `--units gateway,monitor,check`; unknown names are reported, not guessed. */
export function parseJobNames(text: string | undefined): { ok: true; jobs: JobName[] } | { ok: false; detail: string } {
  const r = parseUnitsFlag(text, JOB_NAMES, DEFAULT_JOBS);
  return r.ok ? { ok: true, jobs: r.names } : r;
}

export function plistName(job: JobName): string {
  return `${JOBS[job].label}.plist`;
}

/** Where launchd loads plists from at login (agents) or boot (daemons). */
export function defaultPlistDir(flavour: Flavour, env: Env): string {
  return flavour === 'system' ? '/Library/LaunchDaemons' : join(homeDir(env), 'Library', 'LaunchAgents');
}

/** The `launchctl bootstrap` domain: the login session of `uid`, or the system. */
export function launchdDomain(flavour: Flavour, uid: number): string {
  return flavour === 'system' ? 'system' : `gui/${uid}`;
}

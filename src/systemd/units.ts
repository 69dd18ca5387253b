/**
 * The units aipro ships, in one literal map: which files make up each `--units` name and
 * which unit `systemctl enable --now` gets. Plus where each flavour's unit files live.
 */
import { join } from 'node:path';
import { homeDir, type Env } from '../store/paths.js';
import { parseUnitsFlag } from '../util/units-flag.js';

/** `--user` units run in the user's own manager; `--system` units in PID 1 with `User=`. */
export type Flavour = 'user' | 'system';

export interface UnitSet {
  /** Unit files (also the template names in `systemd/`). */
  files: readonly string[];
  /** The unit to enable and start; the others are started by it. */
  enable: string;
  /** One line for `--help` and the docs. */
  summary: string;
}

/** `--units` names → unit files. Adding a unit = one template + one line here. */
export const UNIT_SETS = {
  monitor: {
    files: ['aipro-monitor.service'],
    enable: 'aipro-monitor.service',
    summary: 'the monitor daemon (metrics on monitor.listen, alerts)',
  },
  check: {
    files: ['aipro-auth-check.service', 'aipro-auth-check.timer'],
    enable: 'aipro-auth-check.timer',
    summary: 'oneshot `aipro monitor --once` every 30 minutes (timer)',
  },
  gateway: { files: ['aipro-gateway.service'], enable: 'aipro-gateway.service', summary: 'the model gateway' },
} as const satisfies Record<string, UnitSet>;

export type UnitSetName = keyof typeof UNIT_SETS;

export const UNIT_SET_NAMES = Object.keys(UNIT_SETS) as UnitSetName[];

/** What `install` sets up when `--units` is not given: the daemon (metrics + alerts). */
export const DEFAULT_UNIT_SETS: UnitSetName[] = ['monitor'];

/** Every unit file aipro may have written (uninstall and doctor look for these only). */
export const ALL_UNIT_FILES: string[] = UNIT_SET_NAMES.flatMap((n) => [...UNIT_SETS[n].files]);

/** The line that marks a unit file as ours; files without it are never changed or removed. */
export const MANAGED_MARKER = '# Managed by aipro:';

/** Parse `--units gateway,monitor,check`; unknown names are reported, not guessed. */
export function parseUnitSets(
  text: string | undefined,
): { ok: true; sets: UnitSetName[] } | { ok: false; detail: string } {
  const r = parseUnitsFlag(text, UNIT_SET_NAMES, DEFAULT_UNIT_SETS);
  return r.ok ? { ok: true, sets: r.names } : r;
}

/** Where `systemctl [--user]` looks for administrator-installed units. */
export function defaultUnitDir(flavour: Flavour, env: Env): string {
  if (flavour === 'system') return '/etc/systemd/system';
  const config = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeDir(env), '.config');
  return join(config, 'systemd', 'user');
}

/** The target whose `.wants/` directory holds the enable symlink of `unit`. */
export function wantedByTarget(unit: string, flavour: Flavour): string {
  if (unit.endsWith('.timer')) return 'timers.target';
  return flavour === 'system' ? 'multi-user.target' : 'default.target';
}

/** `systemctl` or `systemctl --user`, as an argv prefix. */
export function systemctlArgs(flavour: Flavour): string[] {
  return flavour === 'user' ? ['systemctl', '--user'] : ['systemctl'];
}

/**
 * What systemd says about our units right now (`systemctl show`), turned into doctor
 * checks: is the daemon running, did the last check run succeed, when did the timer last
 * fire and when does it fire next. Parsing and judging are pure; the caller runs systemctl.
 */
import { readFileSync } from 'node:fs';
import type { DoctorCheck } from './types.js';
import type { CommandResult } from '../systemd/host.js';
import { systemctlArgs, type Flavour } from '../systemd/units.js';

export const SHOW_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'ExecMainStatus',
  'ExecMainExitTimestamp',
  'NRestarts',
  'LastTriggerUSec',
  'NextElapseUSecRealtime',
  'NextElapseUSecMonotonic',
];

/** `systemctl show A B` output: one `Key=Value` block per unit, blank-line separated. */
export function parseShow(text: string): Record<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const props: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
      }
      return props;
    })
    .filter((p) => Object.keys(p).length > 0);
}

const SPAN_UNITS: Record<string, number> = {
  us: 1e-3,
  ms: 1,
  s: 1e3,
  sec: 1e3,
  min: 60e3,
  h: 3600e3,
  d: 86400e3,
  w: 7 * 86400e3,
  M: 2629800e3,
  y: 31557600e3,
};

/** A systemd timespan (`1d 2h 3min 4.5s`) in ms; null for `infinity`, empty or unparsable. */
export function parseTimespan(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === 'infinity' || t === '0') return t === '0' ? 0 : null;
  let ms = 0;
  for (const part of t.split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)(us|ms|s|sec|min|h|d|w|M|y)$/.exec(part);
    if (!m) return null;
    ms += Number(m[1]) * (SPAN_UNITS[m[2] as string] as number);
  }
  return ms;
}

const empty = (v: string | undefined) => v === undefined || v === '' || v === 'n/a' || v === '0';

/** "next ≈ …" for a timer: wall-clock when systemd knows it, else from the monotonic deadline. */
export function nextFire(props: Record<string, string>, now: number, uptimeMs: number | null): string {
  if (!empty(props.NextElapseUSecRealtime)) return props.NextElapseUSecRealtime as string;
  const mono = parseTimespan(props.NextElapseUSecMonotonic ?? '');
  if (mono === null || mono === 0 || uptimeMs === null) return 'not scheduled';
  return `≈ ${new Date(now + mono - uptimeMs).toISOString().replace(/\.\d+Z$/, 'Z')}`;
}

/** Checks from parsed `systemctl show` blocks (pure: `now` and uptime are passed in). */
export function judgeRuntime(
  flavour: Flavour,
  blocks: Record<string, string>[],
  now: number,
  uptimeMs: number | null,
): DoctorCheck[] {
  const sc = systemctlArgs(flavour).join(' ');
  const journal = flavour === 'user' ? 'journalctl --user' : 'journalctl';
  const checks: DoctorCheck[] = [];
  for (const p of blocks) {
    const unit = p.Id ?? '?';
    const id = `systemd.${flavour}.state.${unit}`;
    if (p.LoadState !== undefined && p.LoadState !== 'loaded') {
      checks.push({
        id,
        level: 'warn',
        summary: `systemd has not loaded ${unit} (LoadState=${p.LoadState})`,
        fix: `${sc} daemon-reload`,
      });
      continue;
    }
    if (unit.endsWith('.timer')) {
      const last = empty(p.LastTriggerUSec) ? 'never' : p.LastTriggerUSec;
      if (p.ActiveState === 'active')
        checks.push({ id, level: 'ok', summary: `${unit}: last fired ${last}, next ${nextFire(p, now, uptimeMs)}` });
      else
        checks.push({
          id,
          level: 'warn',
          summary: `${unit} is ${p.ActiveState ?? 'unknown'}: no checks run (last fired ${last})`,
          fix: `${sc} enable --now ${unit}`,
        });
    } else if (unit === 'aipro-auth-check.service') {
      const status = Number(p.ExecMainStatus ?? '0');
      if (empty(p.ExecMainExitTimestamp)) checks.push({ id, level: 'ok', summary: `${unit}: has not run yet` });
      else if (p.Result === 'success' || status === 0 || status === 2)
        checks.push({
          id,
          level: 'ok',
          summary:
            `${unit}: last run (${p.ExecMainExitTimestamp}) ` +
            `${status === 2 ? 'found an expiring credential (exit 2)' : 'succeeded'}`,
        });
      else
        checks.push({
          id,
          level: 'warn',
          summary:
            `${unit}: last run (${p.ExecMainExitTimestamp}) failed (${p.Result}, exit ` +
            `${status}${status === 1 ? ': a credential is broken' : ''})`,
          fix: `aipro models status; ${journal} -u ${unit} -n 50`,
        });
    } else if (p.ActiveState === 'active') {
      const restarts = Number(p.NRestarts ?? '0');
      checks.push({
        id,
        level: restarts > 0 ? 'warn' : 'ok',
        summary: `${unit} is running${restarts > 0 ? ` (restarted ${restarts} times)` : ''}`,
        ...(restarts > 0 ? { fix: `${journal} -u ${unit} -n 50` } : {}),
      });
    } else {
      const failed = p.ActiveState === 'failed';
      checks.push({
        id,
        level: failed ? 'error' : 'warn',
        summary: `${unit} is ${p.ActiveState ?? 'unknown'}${failed ? ` (${p.Result})` : ''}`,
        fix: failed ? `${journal} -u ${unit} -n 50, then ${sc} restart ${unit}` : `${sc} start ${unit}`,
      });
    }
  }
  return checks;
}

/** Ask systemd about `units` and judge the answer; a failing systemctl is itself a finding. */
export function runtimeChecks(
  flavour: Flavour,
  units: string[],
  run: (argv: string[]) => CommandResult,
): DoctorCheck[] {
  const argv = [...systemctlArgs(flavour), 'show', `--property=${SHOW_PROPERTIES.join(',')}`, ...units];
  const r = run(argv);
  if (!r.ok)
    return [
      {
        id: `systemd.${flavour}.systemctl`,
        level: 'warn',
        summary: `cannot ask systemd about the ${flavour} units: ${r.output || `exit ${r.code}`}`,
        fix: flavour === 'user' ? 'run doctor as the user, in a login session (or with linger on)' : 'systemctl status',
      },
    ];
  return judgeRuntime(flavour, parseShow(r.output), Date.now(), uptimeMs());
}

function uptimeMs(): number | null {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  } catch {
    return null;
  }
}

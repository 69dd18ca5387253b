/**
 * Facts about this host that install and doctor need: is systemd the running init, is
 * linger on, who is a user (from /etc/passwd, no native module), and a bounded `systemctl`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** systemd's own test (sd_booted): the directory exists only when it runs as PID 1. */
export function systemdRunning(root = '/run/systemd/system'): boolean {
  return existsSync(root);
}

/** Linger keeps a user's manager (and user units) running without a login session. */
export function lingerEnabled(user: string, dir = '/var/lib/systemd/linger'): boolean {
  return existsSync(join(dir, user));
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Look `name` up in /etc/passwd; null when unknown (NSS users such as LDAP are not seen). */
export function lookupUser(name: string, passwdPath = '/etc/passwd'): PasswdEntry | null {
  let text: string;
  try {
    text = readFileSync(passwdPath, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 6) return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
  }
  return null;
}

export interface CommandResult {
  ok: boolean;
  code: number | null;
  /** stdout + stderr, trimmed (systemctl puts its reasons on stderr). */
  output: string;
}

/** Run `argv` (e.g. `['systemctl', '--user', 'daemon-reload']`), bounded by `timeoutMs`. */
export function runCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env, timeoutMs = 30_000): CommandResult {
  const [cmd, ...args] = argv;
  const res = spawnSync(cmd as string, args, { encoding: 'utf8', timeout: timeoutMs, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.error) return { ok: false, code: null, output: `${cmd}: ${(res.error as NodeJS.ErrnoException).code ?? res.error.message}` };
  return { ok: res.status === 0, code: res.status, output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() };
}

/** Quote argv for display as a shell command line. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

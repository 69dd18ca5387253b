/**
 * Facts about this host that install and doctor need: is systemd the running init, is
 * linger on, who is a user (from /etc/passwd, no native module); running `systemctl` is
 * src/util/command.ts (shared with the launchd installer).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { runCommand, shellLine, type CommandResult } from '../util/command.js';

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

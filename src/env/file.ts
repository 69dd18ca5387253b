/**
 * Putting a key into `~/.aipro/.env` (the file systemd units load with EnvironmentFile=):
 * appended under a lock, written atomically with mode 0600, never a second line for the
 * same name. An existing different value is replaced only when the caller says so.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { withLock } from '../store/lock.js';
import { daemonEnvPath, type Env } from '../store/paths.js';
import { writeFileDurable } from '../store/write.js';

export type EnvWrite =
  | { ok: true; action: 'appended' | 'unchanged' | 'replaced'; path: string }
  | { ok: false; reason: 'exists'; path: string; detail: string };

/** A dotenv line that parses back to exactly `value` (quoted when it has special characters). */
export function dotenvLine(name: string, value: string): string {
  if (/^[A-Za-z0-9_\-.:/+=@,]*$/.test(value)) return `${name}=${value}`;
  if (!value.includes("'")) return `${name}='${value}'`;
  if (!value.includes('"') && !value.includes('\\') && !value.includes('$')) return `${name}="${value}"`;
  return `${name}=\`${value}\``;
}

const lineFor = (name: string) => new RegExp(`^\\s*(?:export\\s+)?${name.replace(/[^A-Za-z0-9_]/g, '')}\\s*=`);

/** Pure: the new file text, or why not. */
export function upsertDotenv(
  text: string,
  name: string,
  value: string,
  replace: boolean,
): { text: string | null; action: 'appended' | 'unchanged' | 'replaced' } | { conflict: true } {
  const current = (parseEnv(text) as Record<string, string>)[name];
  if (current !== undefined && current.trim() === value) return { text: null, action: 'unchanged' };
  const line = dotenvLine(name, value);
  if (current !== undefined) {
    if (!replace) return { conflict: true };
    const re = lineFor(name);
    let done = false;
    const lines = text.split('\n').flatMap((l) => {
      if (!re.test(l)) return [l];
      if (done) return [];
      done = true;
      return [line];
    });
    return { text: lines.join('\n'), action: 'replaced' };
  }
  const sep = text.length === 0 || text.endsWith('\n') ? '' : '\n';
  return { text: `${text}${sep}${line}\n`, action: 'appended' };
}

/** Add `name=value` to `~/.aipro/.env`. */
export async function writeDaemonEnv(env: Env, name: string, value: string, replace: boolean): Promise<EnvWrite> {
  const path = daemonEnvPath(env);
  return withLock(path, async () => {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const next = upsertDotenv(text, name, value, replace);
    if ('conflict' in next) {
      return {
        ok: false as const,
        reason: 'exists' as const,
        path,
        detail: `${path} already sets ${name} to a different value`,
      };
    }
    if (next.text !== null) await writeFileDurable(path, next.text, 0o600);
    return { ok: true as const, action: next.action, path };
  });
}

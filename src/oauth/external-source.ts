/**
 * Where the Claude Code and Codex CLIs keep their credentials, and reading them raw:
 * a file under `$CLAUDE_CONFIG_DIR` / `$CODEX_HOME` (default `~/.claude`, `~/.codex`), or on
 * macOS, when that file is absent, the login Keychain item the CLI writes instead, read
 * through the `security` tool. A Keychain location is written `keychain:<item name>`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const IMPORT_SOURCES = ['claude-code', 'codex'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

type Env = Record<string, string | undefined>;

/** What reading a source needs from the outside world (injectable for tests). */
export interface SourceDeps {
  env: Env;
  /** `process.platform` unless a test says otherwise: only `darwin` has a Keychain. */
  platform?: NodeJS.Platform;
}

const LAYOUT: Record<ImportSource, { envDir: string; dir: string; file: string; keychain: string }> = {
  'claude-code': {
    envDir: 'CLAUDE_CONFIG_DIR',
    dir: '.claude',
    file: '.credentials.json',
    keychain: 'Claude Code-credentials',
  },
  codex: { envDir: 'CODEX_HOME', dir: '.codex', file: 'auth.json', keychain: 'Codex Auth' },
};

const KEYCHAIN_PREFIX = 'keychain:';
const SECURITY_TIMEOUT_MS = 10_000;

export function isKeychain(location: string): boolean {
  return location.startsWith(KEYCHAIN_PREFIX);
}

/** The credentials file a CLI uses: its config-dir variable, else the default under home. */
export function defaultSourceFile(source: ImportSource, home: string, env: Env): string {
  const l = LAYOUT[source];
  const dir = env[l.envDir];
  return join(dir && dir.length > 0 ? dir : join(home, l.dir), l.file);
}

/**
 * The location to import from: `--from` (a file, or a directory holding the usual file
 * name); else the CLI's file; else, on macOS when that file is absent, its Keychain item.
 */
export function locateSource(source: ImportSource, home: string, deps: SourceDeps, from?: string): string {
  const l = LAYOUT[source];
  if (from) {
    try {
      if (statSync(from).isDirectory()) return join(from, l.file);
    } catch {
      // Not there: reported when reading.
    }
    return from;
  }
  const file = defaultSourceFile(source, home, deps.env);
  if ((deps.platform ?? process.platform) !== 'darwin') return file;
  try {
    statSync(file);
    return file;
  } catch {
    return `${KEYCHAIN_PREFIX}${l.keychain}`;
  }
}

export type RawRead = { ok: true; text: string; mtimeMs: number; sha256: string } | { ok: false; detail: string };

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Read a Keychain item's password (the CLI's JSON) with `security find-generic-password -w`. */
function readKeychain(item: string, deps: SourceDeps): RawRead {
  try {
    const text = execFileSync('security', ['find-generic-password', '-s', item, '-w'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SECURITY_TIMEOUT_MS,
      env: { ...process.env, ...deps.env } as NodeJS.ProcessEnv,
    });
    // The item's content has no mtime; its hash stands in for it.
    return { ok: true, text: text.trim(), mtimeMs: 0, sha256: hash(text.trim()) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number };
    if (e.code === 'ENOENT')
      return { ok: false, detail: `the macOS \`security\` tool is not available to read the Keychain item "${item}"` };
    // 44 is errSecItemNotFound; anything else is a locked or refused Keychain.
    return {
      ok: false,
      detail:
        e.status === 44
          ? `the Keychain has no item "${item}" (log in with the CLI first, or pass --from PATH)`
          : `cannot read the Keychain item "${item}" (security exited ${e.status ?? e.code ?? 'with an error'}; is ` +
            `the Keychain unlocked?)`,
    };
  }
}

/** The raw text of a source location. Messages never quote the content. */
export function readSource(source: ImportSource, location: string, deps: SourceDeps): RawRead {
  if (isKeychain(location)) return readKeychain(location.slice(KEYCHAIN_PREFIX.length), deps);
  try {
    const mtimeMs = statSync(location).mtimeMs;
    const text = readFileSync(location, 'utf8');
    return { ok: true, text, mtimeMs, sha256: hash(text) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      detail:
        code === 'ENOENT'
          ? `${location} does not exist (log in with the ${source} CLI first, or pass --from PATH)`
          : `cannot read ${location} (${code ?? 'error'})`,
    };
  }
}

/** True when the source changed since it was read with hash `sha256` at `mtimeMs`. */
export function sourceChanged(
  source: ImportSource,
  location: string,
  seen: { mtimeMs: number; sha256: string },
  deps: SourceDeps,
): boolean {
  if (!isKeychain(location)) {
    try {
      if (statSync(location).mtimeMs !== seen.mtimeMs) return true;
    } catch {
      return false;
    }
  }
  const r = readSource(source, location, deps);
  return r.ok && r.sha256 !== seen.sha256;
}

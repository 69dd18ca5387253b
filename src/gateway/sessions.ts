/**
 * Gateway sessions: the model and pinned auth profile each chat session chose with
 * `/model`. One JSON file per agent (`<agentDir>/gateway-sessions.json`) so pins survive
 * restarts and stay per agent. Reads are cached by file identity (stat, when the file may have
 * changed: see file-watch.ts), writes take
 * the file's lock, re-read, and replace it atomically.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withLock } from '../store/lock.js';
import { writeFileDurable } from '../store/write.js';
import { fileSignature } from '../util/fs.js';
import type { FileFreshness } from './file-watch.js';
import { jsonParseProblem } from '../util/json-error.js';

/** One chat session's `/model` choice. */
export interface SessionState {
  /** `provider/model` chosen with `/model`. */
  model?: string;
  /** Auth profile pinned with `/model x@profile`. */
  profile?: string;
  /** What the user typed (alias), for display. */
  label?: string;
  updatedAt: number;
}

/** The on-disk format of `gateway-sessions.json`. */
export interface SessionsFile {
  version: 1;
  sessions: Record<string, SessionState>;
}

/** Oldest sessions are dropped past this many, so the file stays small. */
export const MAX_SESSIONS = 2000;

/** Session keys come from clients: bounded length, printable. */
export const SESSION_ID_RE = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;

/** The session used when a client sends no session key. */
export const DEFAULT_SESSION = 'default';

/** `<agentDir>/gateway-sessions.json` for an agent's store path. */
export function sessionsPath(storePath: string): string {
  return join(dirname(storePath), 'gateway-sessions.json');
}

type Read = { ok: true; file: SessionsFile } | { ok: false; detail: string };

function parseSessions(text: string): Read {
  try {
    const json = JSON.parse(text) as Partial<SessionsFile>;
    if (
      !json ||
      typeof json !== 'object' ||
      json.version !== 1 ||
      !json.sessions ||
      typeof json.sessions !== 'object'
    ) {
      return { ok: false, detail: 'not a version 1 sessions file' };
    }
    return { ok: true, file: json as SessionsFile };
  } catch (err) {
    return { ok: false, detail: `not valid JSON (${jsonParseProblem(err)})` };
  }
}

function readSessions(path: string): Read {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: true, file: { version: 1, sessions: {} } };
    return { ok: false, detail: `cannot read (${code ?? 'error'})` };
  }
  return parseSessions(text);
}

/** Keep the newest MAX_SESSIONS sessions. Pure. */
export function pruneSessions(
  sessions: Record<string, SessionState>,
  max = MAX_SESSIONS,
): Record<string, SessionState> {
  const entries = Object.entries(sessions);
  if (entries.length <= max) return sessions;
  return Object.fromEntries(entries.sort((a, b) => b[1].updatedAt - a[1].updatedAt).slice(0, max));
}

/** The sessions of one agent. */
export class SessionStore {
  private cacheKey = '';
  private cache: Read = { ok: true, file: { version: 1, sessions: {} } };

  /** `freshness`: when to stat the file again (default: on every read). */
  constructor(
    readonly path: string,
    private readonly freshness?: FileFreshness,
  ) {}

  private current(): Read {
    const key = this.freshness ? this.freshness.signature() : fileSignature(this.path);
    if (key !== this.cacheKey) {
      this.cache = readSessions(this.path);
      this.cacheKey = key;
    }
    return this.cache;
  }

  /** A session's state; a broken file reads as "no choice made" (requests keep working). */
  get(id: string): SessionState | undefined {
    const r = this.current();
    return r.ok && Object.hasOwn(r.file.sessions, id) ? r.file.sessions[id] : undefined;
  }

  /** Why the file cannot be used, if it cannot. */
  problem(): string | undefined {
    const r = this.current();
    return r.ok ? undefined : `${this.path}: ${r.detail}`;
  }

  /**
   * Change one session under the file's lock. `change` gets the current state and
   * returns the new one (null removes the session). A broken file is never overwritten.
   */
  async update(
    id: string,
    change: (cur: SessionState | undefined) => SessionState | null,
  ): Promise<{ ok: true; state: SessionState | null } | { ok: false; detail: string }> {
    return withLock(this.path, async () => {
      const r = readSessions(this.path);
      if (!r.ok)
        return { ok: false as const, detail: `${this.path}: ${r.detail}; fix or delete the file, then try again` };
      const sessions = { ...r.file.sessions };
      const next = change(Object.hasOwn(sessions, id) ? sessions[id] : undefined);
      if (next === null) delete sessions[id];
      else sessions[id] = next;
      const file: SessionsFile = { version: 1, sessions: pruneSessions(sessions) };
      await writeFileDurable(this.path, `${JSON.stringify(file, null, 2)}\n`);
      this.cache = { ok: true, file };
      this.cacheKey = fileSignature(this.path);
      this.freshness?.wrote(this.cacheKey);
      return { ok: true as const, state: next };
    });
  }
}

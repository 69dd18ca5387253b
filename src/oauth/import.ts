/**
 * Importing OAuth credentials from the CLIs people already use, and re-importing them
 * (`sync`) when the external file changed. Each import records where it came from
 * (path, mtime, content hash) in the profile's extra fields; a sync never replaces a
 * token of ours that expires later than the external one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../store/schema.js';
import { chatgptAccountId, identityFromJwt, jwtExpiryMs } from './jwt.js';

export const IMPORT_SOURCES = ['claude-code', 'codex'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** Where an imported profile came from (stored as `profile.importedFrom`). */
export interface ImportOrigin {
  source: ImportSource;
  path: string;
  mtimeMs: number;
  /** sha256 prefix of the file content: detects a change even when mtime lies. */
  sha256: string;
  at: number;
}

export interface ExternalCredential {
  provider: string;
  defaultProfileId: string;
  access: string;
  refresh?: string;
  expires?: number;
  email?: string;
  accountId?: string;
  origin: ImportOrigin;
}

export type ReadResult = { ok: true; cred: ExternalCredential } | { ok: false; detail: string };

const SPEC: Record<ImportSource, { provider: string; profile: string; dir: string; file: string }> = {
  'claude-code': { provider: 'anthropic', profile: 'anthropic:claude-code', dir: '.claude', file: '.credentials.json' },
  codex: { provider: 'openai-codex', profile: 'openai-codex:codex', dir: '.codex', file: 'auth.json' },
};

/** The file to read: `--from` (a file, or a directory holding the usual file name), else the default under home. */
export function importPath(source: ImportSource, home: string, from?: string): string {
  const s = SPEC[source];
  if (!from) return join(home, s.dir, s.file);
  try {
    if (statSync(from).isDirectory()) return join(from, s.file);
  } catch {
    // Not there: report it when reading.
  }
  return from;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined;
}

/** Read and parse an external credentials file. Messages never quote the file's content. */
export function readExternal(source: ImportSource, path: string, now: number): ReadResult {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, detail: code === 'ENOENT' ? `${path} does not exist (log in with the ${source} CLI first, or pass --from PATH)` : `cannot read ${path} (${code ?? 'error'})` };
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, detail: `${path} is not valid JSON` };
  }
  const origin: ImportOrigin = { source, path, mtimeMs, sha256: createHash('sha256').update(text).digest('hex').slice(0, 16), at: now };
  const spec = SPEC[source];
  if (source === 'claude-code') {
    const o = (json.claudeAiOauth ?? {}) as Record<string, unknown>;
    const access = str(o.accessToken);
    if (!access) return { ok: false, detail: `${path} has no claudeAiOauth.accessToken (run \`claude\` and log in first)` };
    const expires = typeof o.expiresAt === 'number' && o.expiresAt > 0 ? o.expiresAt : undefined;
    const refresh = str(o.refreshToken);
    return { ok: true, cred: { provider: spec.provider, defaultProfileId: spec.profile, access, ...(refresh ? { refresh } : {}), ...(expires ? { expires } : {}), origin } };
  }
  const t = (json.tokens ?? {}) as Record<string, unknown>;
  const access = str(t.access_token);
  if (!access) return { ok: false, detail: `${path} has no tokens.access_token (run \`codex login\` first)` };
  const refresh = str(t.refresh_token);
  const idToken = str(t.id_token);
  const ident = identityFromJwt(idToken ?? access);
  const accountId = str(t.account_id) ?? chatgptAccountId(idToken) ?? chatgptAccountId(access) ?? ident.accountId;
  const expires = jwtExpiryMs(access);
  return {
    ok: true,
    cred: {
      provider: spec.provider,
      defaultProfileId: spec.profile,
      access,
      ...(refresh ? { refresh } : {}),
      ...(expires ? { expires } : {}),
      ...(ident.email ? { email: ident.email } : {}),
      ...(accountId ? { accountId } : {}),
      origin,
    },
  };
}

export type MergeDecision = 'created' | 'updated' | 'unchanged' | 'kept_newer';

/**
 * The profile after importing `cred` over `existing`. Pure. Ours wins when it expires
 * later (we refreshed since the external CLI wrote its file).
 */
export function mergeImport(existing: Profile | undefined, cred: ExternalCredential): { profile: Profile; decision: MergeDecision } {
  const origin = { ...cred.origin };
  const fresh: Profile = {
    ...(existing ?? {}),
    type: 'oauth',
    provider: cred.provider,
    access: cred.access,
    ...(cred.refresh ? { refresh: cred.refresh } : {}),
    ...(cred.expires ? { expires: cred.expires } : {}),
    ...(cred.email ? { email: cred.email } : {}),
    ...(cred.accountId ? { accountId: cred.accountId } : {}),
    importedFrom: origin,
  };
  if (!existing) return { profile: fresh, decision: 'created' };
  if (existing.access === cred.access && existing.refresh === cred.refresh) return { profile: { ...existing, importedFrom: origin }, decision: 'unchanged' };
  const ours = typeof existing.expires === 'number' ? existing.expires : 0;
  const theirs = cred.expires ?? 0;
  if (existing.type === 'oauth' && ours > theirs) return { profile: { ...existing, importedFrom: origin }, decision: 'kept_newer' };
  return { profile: fresh, decision: 'updated' };
}

/** True when the external file changed since the recorded import (mtime or content). */
export function externalChanged(origin: ImportOrigin, path: string): boolean {
  try {
    const st = statSync(path);
    if (st.mtimeMs !== origin.mtimeMs) return true;
    return createHash('sha256').update(readFileSync(path, 'utf8')).digest('hex').slice(0, 16) !== origin.sha256;
  } catch {
    return false;
  }
}

/** The recorded origin of a profile, when it was imported. */
export function originOf(profile: Profile): ImportOrigin | undefined {
  const o = profile.importedFrom as ImportOrigin | undefined;
  return o && typeof o === 'object' && (IMPORT_SOURCES as readonly string[]).includes(o.source) && typeof o.path === 'string' ? o : undefined;
}

/**
 * Importing OAuth credentials from the CLIs people already use, and re-importing them
 * (`sync`) when the external file changed. Each import records where it came from
 * (path, mtime, content hash) in the profile's extra fields; a sync never replaces a
 * token of ours that expires later than the external one.
 */
import { hostname } from 'node:os';
import type { Profile } from '../store/schema.js';
import {
  IMPORT_SOURCES,
  locateSource,
  readSource,
  sourceChanged,
  type ImportSource,
  type SourceDeps,
} from './external-source.js';
import { chatgptAccountId, identityFromJwt, jwtExpiryMs } from './jwt.js';

export { IMPORT_SOURCES, type ImportSource, type SourceDeps } from './external-source.js';

/** Where an imported profile came from (stored as `profile.importedFrom`). */
export interface ImportOrigin {
  source: ImportSource;
  /** A file path, or `keychain:<item>` for a macOS Keychain item. */
  path: string;
  mtimeMs: number;
  /** sha256 prefix of the content: detects a change even when mtime lies (or is absent). */
  sha256: string;
  at: number;
}

export interface ExternalCredential {
  provider: string;
  defaultProfileId: string;
  /** `api_key` for a Codex API-key login (`auth_mode: apikey`). */
  type: 'oauth' | 'api_key';
  access: string;
  refresh?: string;
  expires?: number;
  email?: string;
  accountId?: string;
  origin: ImportOrigin;
}

export type ReadResult = { ok: true; cred: ExternalCredential } | { ok: false; detail: string };

const SPEC: Record<ImportSource, { provider: string; profile: string }> = {
  'claude-code': { provider: 'anthropic', profile: 'anthropic:claude-code' },
  codex: { provider: 'openai-codex', profile: 'openai-codex:codex' },
};

/** The location to import from (see `locateSource`). */
export function importPath(source: ImportSource, home: string, from?: string, deps: SourceDeps = { env: {} }): string {
  return locateSource(source, home, deps, from);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined;
}

/** Codex writes `auth_mode` as `apikey` (older builds: `api_key`, `ApiKey`). */
function isApiKeyMode(mode: unknown): boolean {
  return typeof mode === 'string' && mode.replace(/[-_]/g, '').toLowerCase() === 'apikey';
}

/** Read and parse an external credentials source. Messages never quote its content. */
export function readExternal(
  source: ImportSource,
  path: string,
  now: number,
  deps: SourceDeps = { env: {} },
): ReadResult {
  const raw = readSource(source, path, deps);
  if (!raw.ok) return raw;
  let json: Record<string, unknown>;
  try {
    const parsed = JSON.parse(raw.text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    json = parsed as Record<string, unknown>;
  } catch {
    return { ok: false, detail: `${path} is not valid JSON` };
  }
  const origin: ImportOrigin = { source, path, mtimeMs: raw.mtimeMs, sha256: raw.sha256, at: now };
  const spec = SPEC[source];
  if (source === 'claude-code') {
    const o = (json.claudeAiOauth ?? {}) as Record<string, unknown>;
    const access = str(o.accessToken);
    if (!access)
      return { ok: false, detail: `${path} has no claudeAiOauth.accessToken (run \`claude\` and log in first)` };
    const expires = typeof o.expiresAt === 'number' && o.expiresAt > 0 ? o.expiresAt : undefined;
    const refresh = str(o.refreshToken);
    return {
      ok: true,
      cred: {
        provider: spec.provider,
        defaultProfileId: spec.profile,
        type: 'oauth',
        access,
        ...(refresh ? { refresh } : {}),
        ...(expires ? { expires } : {}),
        origin,
      },
    };
  }
  const apiKey = str(json.OPENAI_API_KEY);
  const t = (json.tokens ?? {}) as Record<string, unknown>;
  // An API-key login is an OpenAI API key, not a ChatGPT subscription.
  if (isApiKeyMode(json.auth_mode) || (apiKey && !str(t.access_token))) {
    if (!apiKey)
      return {
        ok: false,
        detail: `${path} says auth_mode apikey but has no OPENAI_API_KEY (run \`codex login --with-api-key\` again)`,
      };
    return {
      ok: true,
      cred: { provider: 'openai', defaultProfileId: 'openai:codex', type: 'api_key', access: apiKey, origin },
    };
  }
  const access = str(t.access_token);
  if (!access) return { ok: false, detail: `${path} has no tokens.access_token (run \`codex login\` first)` };
  const refresh = str(t.refresh_token);
  const idToken = str(t.id_token);
  const ident = identityFromJwt(idToken ?? access);
  // The ChatGPT account id, never a subject claim: requests carry it as ChatGPT-Account-Id.
  const accountId = str(t.account_id) ?? chatgptAccountId(idToken) ?? chatgptAccountId(access);
  const expires = jwtExpiryMs(access);
  return {
    ok: true,
    cred: {
      provider: spec.provider,
      defaultProfileId: spec.profile,
      type: 'oauth',
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
export function mergeImport(
  existing: Profile | undefined,
  cred: ExternalCredential,
): { profile: Profile; decision: MergeDecision } {
  // A re-import keeps the host a fleet store recorded: the login still belongs to that host's CLI.
  const host = existing ? importHost(existing) : undefined;
  const origin = { ...cred.origin, ...(host ? { host } : {}) };
  if (cred.type === 'api_key') {
    const profile: Profile = {
      ...(existing ?? {}),
      type: 'api_key',
      provider: cred.provider,
      key: cred.access,
      importedFrom: origin,
    };
    for (const k of ['access', 'refresh', 'expires'] as const) delete profile[k];
    if (!existing) return { profile, decision: 'created' };
    return { profile, decision: existing.key === cred.access ? 'unchanged' : 'updated' };
  }
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
  if (existing.access === cred.access && existing.refresh === cred.refresh)
    return { profile: { ...existing, importedFrom: origin }, decision: 'unchanged' };
  const ours = typeof existing.expires === 'number' ? existing.expires : 0;
  const theirs = cred.expires ?? 0;
  if (existing.type === 'oauth' && ours > theirs)
    return { profile: { ...existing, importedFrom: origin }, decision: 'kept_newer' };
  return { profile: fresh, decision: 'updated' };
}

/** True when the external source changed since the recorded import (mtime or content). */
export function externalChanged(origin: ImportOrigin, path: string, deps: SourceDeps = { env: {} }): boolean {
  return sourceChanged(origin.source, path, origin, deps);
}

/** The recorded origin of a profile, when it was imported. */
export function originOf(profile: Profile): ImportOrigin | undefined {
  const o = profile.importedFrom as ImportOrigin | undefined;
  return o &&
    typeof o === 'object' &&
    (IMPORT_SOURCES as readonly string[]).includes(o.source) &&
    typeof o.path === 'string'
    ? o
    : undefined;
}

/** This host's name in a fleet: `AIPRO_HOST_ID`, else the hostname. */
export function hostId(env: Record<string, string | undefined>): string {
  return (env.AIPRO_HOST_ID ?? '').trim() || hostname();
}

/**
 * The host whose CLI file an imported profile of the shared (fleet) store follows, when
 * recorded: only that host may re-read the file (another host's file at the same path may
 * hold somebody else's login).
 */
export function importHost(profile: Profile): string | undefined {
  const h = (profile.importedFrom as { host?: unknown } | undefined)?.host;
  return typeof h === 'string' && h !== '' ? h : undefined;
}

/**
 * OAuth refresh that never sends a refresh token twice, even with many processes
 * (gateway workers, the monitor, a CLI) refreshing the same profile at once:
 *
 * 1. note the refresh token as it is now (outside any lock);
 * 2. take the per-profile lock (a lock file next to the store, not the store lock, so
 *    the store stays writable while the token endpoint is slow);
 * 3. re-read the store; if the refresh token changed meanwhile, another process already
 *    refreshed — use its result; if the access token is still fresh (and not forced), skip;
 * 4. post to the token endpoint, write the rotated tokens with `updateStore`, release.
 *
 * Every attempt is recorded as `usageStats[id].lastRefresh`; a permanent refusal makes
 * the profile `refresh_failed` in status and records the refused token's hash, so no
 * process ever presents that token again (a second try could only be refused again, and
 * to a provider with reuse detection it looks like theft). Only new tokens from a login
 * or an import lift it. Transient failures keep the profile usable until the access token
 * really expires. Imported profiles are re-read from their source instead (`resync.ts`).
 */
import type { AiproConfig } from '../config/schema.js';
import { withLock } from '../store/lock.js';
import { refreshLockPath } from '../store/backends/file.js';
import type { StoreBackend, StoreChange } from '../store/backends/types.js';
import { readStore, type StoreRead } from '../store/read.js';
import type { Profile, RefreshRecord } from '../store/schema.js';
import { sha256Prefix } from '../util/sha256.js';
import { updateStore } from '../store/write.js';
import { hostId, importHost, originOf } from './import.js';
import { resyncImported } from './resync.js';
import { resolveOAuthSpec } from './spec.js';
import { requestToken, type TokenSet } from './token-endpoint.js';

export interface RefreshInput {
  storePath: string;
  profileId: string;
  config: AiproConfig;
  env: Record<string, string>;
  now: () => number;
  /** Refresh even when the access token is not near expiry (e.g. after a 401). */
  force?: boolean;
  /**
   * The access token the caller saw fail. When the stored one differs, another process
   * already refreshed and its token is returned without a new refresh.
   */
  seenAccess?: string;
  /** Platform for reading an imported profile's source (Keychain on darwin); tests inject it. */
  platform?: NodeJS.Platform;
  /**
   * The store backend holding the profile (default: the file at `storePath`). With the
   * postgres backend the lock below is fleet-wide: one refresh per token family across hosts.
   */
  store?: { backend: StoreBackend; agentId: string };
}

export type RefreshResult =
  /** `synced`: an imported profile took its CLI's tokens instead of refreshing. */
  | { ok: true; access: string; expires: number; refreshed: boolean; synced?: boolean }
  | { ok: false; reason: string; permanent: boolean; detail: string };

/** The per-profile refresh lock of a file store: one definition, shared with the file backend. */
export { refreshLockPath } from '../store/backends/file.js';

/** The hint every permanent refusal carries. */
export function reauthHint(provider: string): string {
  return `re-authenticate: aipro models auth login --provider ${provider}`;
}

/** Where the refresh reads, locks and writes: the file next to `storePath`, or the given backend. */
function storeIo(input: RefreshInput): {
  read(): Promise<StoreRead>;
  lock<T>(fn: () => Promise<T>): Promise<T>;
  update(change: StoreChange<undefined>): Promise<undefined>;
} {
  const { storePath, profileId, store } = input;
  if (!store)
    return {
      read: async () => readStore(storePath),
      lock: (fn) => withLock(refreshLockPath(storePath, profileId), fn),
      update: (change) => updateStore(storePath, change),
    };
  const agent = { id: store.agentId, storePath };
  return {
    read: () => store.backend.read(agent),
    lock: (fn) => store.backend.withRefreshLock(agent, profileId, fn),
    update: (change) => store.backend.update(agent, change),
  };
}

function readProfile(read: StoreRead, id: string): { profile?: Profile; lastRefresh?: RefreshRecord; error?: string } {
  if (!read.ok) return { error: `${read.path}: ${read.detail}` };
  if (!Object.hasOwn(read.store.profiles, id)) return {};
  const stats =
    read.store.usageStats && Object.hasOwn(read.store.usageStats, id) ? read.store.usageStats[id] : undefined;
  return {
    profile: read.store.profiles[id] as Profile,
    ...(stats?.lastRefresh ? { lastRefresh: stats.lastRefresh } : {}),
  };
}

/** Refresh one OAuth profile if needed (or forced). Expected failures come back as data. */
export async function refreshProfile(input: RefreshInput): Promise<RefreshResult> {
  const { storePath, profileId, config } = input;
  const io = storeIo(input);
  const before = readProfile(await io.read(), profileId);
  if (before.error)
    return {
      ok: false,
      reason: 'store',
      permanent: false,
      detail: `cannot read the auth store (${before.error}); run \`aipro doctor\``,
    };
  const seenRefresh = before.profile?.refresh;

  return io.lock(async () => {
    const cur = readProfile(await io.read(), profileId);
    if (cur.error)
      return {
        ok: false,
        reason: 'store',
        permanent: false,
        detail: `cannot read the auth store (${cur.error}); run \`aipro doctor\``,
      };
    const p = cur.profile;
    if (!p)
      return {
        ok: false,
        reason: 'not_found',
        permanent: false,
        detail: `profile ${profileId} is not in ${storePath} (see \`aipro models auth list\`)`,
      };
    // An imported profile follows a CLI's files on one host: in a shared store only that host re-syncs it.
    const importedElsewhere = input.store && input.store.backend.kind !== 'file' && importHost(p) !== hostId(input.env);
    if (p.type === 'oauth' && originOf(p) && importedElsewhere) {
      const host = importHost(p);
      if (host)
        return {
          ok: false,
          reason: 'imported',
          permanent: false,
          detail:
            `profile ${profileId} follows a local CLI on host ${host} and is re-synced there only ` +
            `(\`aipro models auth sync\`); to let every host refresh it: aipro models auth detach ${profileId}`,
        };
      return {
        ok: false,
        reason: 'imported',
        permanent: false,
        detail:
          `profile ${profileId} was imported from a local CLI and is not refreshed in the fleet store; ` +
          `${reauthHint(p.provider)} to give the fleet its own login`,
      };
    }
    if (p.type === 'oauth' && originOf(p))
      return resyncImported(
        io.update,
        profileId,
        p,
        { env: input.env, ...(input.platform ? { platform: input.platform } : {}) },
        input.now(),
        input.seenAccess,
      );
    if (p.type !== 'oauth' || !p.refresh) {
      return {
        ok: false,
        reason: 'no_refresh_token',
        permanent: false,
        detail: `profile ${profileId} has no refresh token; ${reauthHint(p.provider)}`,
      };
    }
    const now = input.now();
    const fresh = typeof p.expires === 'number' && p.expires - now > config.auth.refreshSkewMs;
    const otherRefreshed =
      p.refresh !== seenRefresh || (input.seenAccess !== undefined && p.access !== input.seenAccess);
    if (p.access && ((otherRefreshed && (p.expires ?? Infinity) > now) || (fresh && !input.force))) {
      return { ok: true, access: p.access, expires: p.expires ?? 0, refreshed: false };
    }

    const refused = cur.lastRefresh?.refusedRefreshHash;
    if (refused && refused === sha256Prefix(p.refresh)) {
      return {
        ok: false,
        reason: cur.lastRefresh?.reason ?? 'invalid_grant',
        permanent: true,
        detail:
          `refreshing ${profileId}: the provider already refused this refresh token; it is not sent again; ` +
          `${reauthHint(p.provider)}`,
      };
    }
    const spec = resolveOAuthSpec(p.provider, config);
    if (!spec)
      return {
        ok: false,
        reason: 'no_oauth',
        permanent: false,
        detail: `provider ${p.provider} has no OAuth endpoints; ${reauthHint(p.provider)}`,
      };
    const res = await requestToken(
      spec,
      { grant_type: 'refresh_token', refresh_token: p.refresh, client_id: spec.clientId },
      { now: input.now },
    );
    const at = input.now();
    if (!res.ok) {
      const rec: RefreshRecord = {
        at,
        ok: false,
        reason: res.reason,
        permanent: res.permanent,
        detail: res.detail,
        ...(res.permanent ? { refusedRefreshHash: sha256Prefix(p.refresh) } : {}),
      };
      await recordRefresh(io, profileId, rec, null);
      const hint = res.permanent
        ? reauthHint(p.provider)
        : 'will retry on the next refresh cycle; the current access token stays in use until it expires';
      return {
        ok: false,
        reason: res.reason,
        permanent: res.permanent,
        detail: `refreshing ${profileId}: ${res.detail}; ${hint}`,
      };
    }
    const tokens = res.tokens;
    const expires = tokens.expires ?? at + 3_600_000;
    try {
      await recordRefresh(io, profileId, { at, ok: true }, { ...tokens, expires });
    } catch (err) {
      // The server already rotated the refresh token; say loudly that the store missed it.
      return {
        ok: false,
        reason: 'store',
        permanent: false,
        detail:
          `refreshed ${profileId} but could not save the new tokens (${(err as Error).message}); ` +
          `${reauthHint(p.provider)}`,
      };
    }
    return { ok: true, access: tokens.access, expires, refreshed: true };
  });
}

/** Write the refresh record (and the new tokens on success) under the store lock. */
async function recordRefresh(
  io: ReturnType<typeof storeIo>,
  id: string,
  rec: RefreshRecord,
  tokens: (TokenSet & { expires: number }) | null,
): Promise<void> {
  await io.update((store) => {
    const p = store.profiles[id];
    if (!p) return { store: null, result: undefined };
    if (tokens) {
      p.access = tokens.access;
      if (tokens.refresh) p.refresh = tokens.refresh;
      p.expires = tokens.expires;
      if (tokens.refreshExpires) p.refreshExpires = tokens.refreshExpires;
      if (tokens.email) p.email = tokens.email;
      if (tokens.accountId) p.accountId = tokens.accountId;
    }
    const usage = { ...(store.usageStats ?? {}) };
    usage[id] = { ...(usage[id] ?? {}), lastRefresh: rec };
    store.usageStats = usage;
    return { store, result: undefined };
  });
}

/** True when an OAuth profile should be refreshed now (within `skewMs` of expiry). Pure. */
export function needsRefresh(profile: Profile, now: number, skewMs: number): boolean {
  if (profile.type !== 'oauth' || !profile.refresh) return false;
  return typeof profile.expires !== 'number' || profile.expires - now <= skewMs;
}

/**
 * Keeping an imported profile current without refreshing it. Claude Code's and Codex's
 * refresh tokens rotate (Codex's are single-use): if aipro refreshed an imported token the
 * CLI would be logged out, and if the CLI refreshed first aipro's copy would be refused.
 * So the CLI stays the only refresher; aipro re-reads its file (or Keychain item) and takes
 * the newer tokens. `models auth detach ID` hands the refreshing to aipro instead.
 */
import type { StoreChange } from '../store/backends/types.js';
import type { Profile, Store } from '../store/schema.js';
import { mergeImport, originOf, readExternal, type ImportOrigin, type SourceDeps } from './import.js';

export type ResyncResult =
  | { ok: true; access: string; expires: number; refreshed: boolean; synced: true }
  | { ok: false; reason: 'source_unreadable' | 'source_stale'; permanent: false; detail: string };

const CLI_OF: Record<ImportOrigin['source'], string> = { 'claude-code': '`claude`', codex: '`codex`' };

/** New tokens: an old refusal of the previous refresh token no longer applies. */
export function clearRefreshFailure(store: Store, id: string): void {
  if (store.usageStats?.[id]) delete store.usageStats[id].lastRefresh;
}

/** Applies a change to the store holding the profile, under its lock (a file, or the fleet store). */
export type StoreUpdate = (change: StoreChange<undefined>) => Promise<unknown>;

/**
 * Take newer tokens from the profile's source and write them with `update` (whichever
 * backend holds the profile). Succeeds without change while the stored access token is
 * still valid; fails (transiently) once it expired and the source has nothing newer,
 * naming both ways out.
 */
export async function resyncImported(
  update: StoreUpdate,
  id: string,
  p: Profile,
  deps: SourceDeps,
  now: number,
  seenAccess?: string,
): Promise<ResyncResult> {
  const origin = originOf(p) as ImportOrigin;
  const read = readExternal(origin.source, origin.path, now, deps);
  // A token the caller just saw refused is no use, whatever its expiry says.
  const valid =
    (typeof p.expires !== 'number' || p.expires > now) && (seenAccess === undefined || seenAccess !== p.access);
  if (!read.ok) {
    if (valid && p.access)
      return { ok: true, access: p.access, expires: p.expires ?? 0, refreshed: false, synced: true };
    return {
      ok: false,
      reason: 'source_unreadable',
      permanent: false,
      detail: `${id} is imported from ${origin.path}, which cannot be read (${read.detail})`,
    };
  }
  const merged = mergeImport(p, read.cred);
  if (merged.decision === 'updated' && merged.profile.access) {
    const taken = merged.profile;
    await update((store) => {
      const cur = store.profiles[id];
      // Someone replaced or detached the profile meanwhile: theirs stands.
      if (!cur || !originOf(cur) || cur.access !== p.access) return { store: null, result: undefined };
      store.profiles[id] = taken;
      clearRefreshFailure(store, id);
      return { store, result: undefined };
    });
    return { ok: true, access: taken.access as string, expires: taken.expires ?? 0, refreshed: true, synced: true };
  }
  if (valid && p.access) return { ok: true, access: p.access, expires: p.expires ?? 0, refreshed: false, synced: true };
  return {
    ok: false,
    reason: 'source_stale',
    permanent: false,
    detail:
      `${id} is imported from ${origin.path}, which holds no newer token; run ${CLI_OF[origin.source]} once so it ` +
      `refreshes its own login (aipro then takes the new token), or let aipro refresh it: aipro models auth detach ` +
      `${id}`,
  };
}

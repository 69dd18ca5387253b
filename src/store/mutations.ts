/**
 * Pure changes to an auth store, one function per CLI verb. Each takes the store read
 * under the lock and returns the new store (or `null` = write nothing) plus a result
 * that is data: `{ ok: false, reason, detail }` for what the operator got wrong.
 * `updateStore(path, (s) => putSecretProfile(s, …))` is the whole write path.
 */
import {
  PROFILE_ID_RE,
  dropMalformed,
  malformedProfiles,
  profileProvider,
  type CredentialType,
  type Profile,
  type Store,
} from './schema.js';

export type MutationResult<T = Record<string, never>> =
  | ({ ok: true } & T)
  | { ok: false; reason: 'not_found' | 'wrong_provider' | 'bad_id' | 'duplicate' | 'empty'; detail: string };

export interface Mutation<R> {
  store: Store | null;
  result: R;
}

/** Is `id` a well-formed profile id for `provider` (`<provider>:<name>`)? Null when fine. */
export function profileIdProblem(id: string, provider: string): string | null {
  if (!PROFILE_ID_RE.test(id))
    return `profile id "${id}" is not <provider>:<name> (letters, digits, no spaces), e.g. ${provider}:work`;
  if (profileProvider(id) !== provider)
    return `profile id "${id}" must start with "${provider}:" for provider ${provider}`;
  return null;
}

/**
 * Add or replace an api_key / token profile. Replacing keeps unknown fields of the old
 * profile only when the type is unchanged (another tool's metadata for that credential),
 * and drops the old probe result: it judged a different secret.
 */
export function putSecretProfile(
  store: Store,
  p: {
    id: string;
    provider: string;
    type: Extract<CredentialType, 'api_key' | 'token'>;
    secret: string;
    expires?: number;
  },
): Mutation<MutationResult<{ replaced: boolean }>> {
  const prev = store.profiles[p.id];
  const base: Record<string, unknown> = prev && prev.type === p.type ? { ...prev } : {};
  for (const k of ['key', 'keyRef', 'token', 'tokenRef', 'access', 'refresh', 'expires']) delete base[k];
  const next = { ...base, type: p.type, provider: p.provider } as Profile;
  if (p.type === 'api_key') next.key = p.secret;
  else next.token = p.secret;
  if (p.expires !== undefined) next.expires = p.expires;
  store.profiles[p.id] = next;
  // A malformed profile under this id is replaced by the new one.
  const wasMalformed = dropMalformed(store, p.id);
  const stats = store.usageStats?.[p.id];
  if (stats) {
    delete stats.lastProbe;
    delete stats.disabledUntil;
    delete stats.disabledReason;
    delete stats.cooldownUntil;
    stats.errorCount = 0;
  }
  return { store, result: { ok: true, replaced: prev !== undefined || wasMalformed } };
}

/** Remove a profile and every reference to it (order, lastGood, usageStats). */
export function removeProfile(store: Store, id: string): Mutation<MutationResult<{ provider: string }>> {
  const prev = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
  const malformed = malformedProfiles(store).find((m) => m.id === id);
  if (!prev && !malformed)
    return { store: null, result: { ok: false, reason: 'not_found', detail: `no profile "${id}" in this store` } };
  // A malformed profile can be removed too (it is the fix for a type this aipro cannot read).
  if (malformed) dropMalformed(store, id);
  delete store.profiles[id];
  if (store.order) {
    for (const [p, ids] of Object.entries(store.order)) {
      const kept = ids.filter((x) => x !== id);
      if (kept.length === 0) delete store.order[p];
      else store.order[p] = kept;
    }
    if (Object.keys(store.order).length === 0) delete store.order;
  }
  if (store.lastGood) {
    for (const [p, x] of Object.entries(store.lastGood)) if (x === id) delete store.lastGood[p];
    if (Object.keys(store.lastGood).length === 0) delete store.lastGood;
  }
  if (store.usageStats?.[id]) {
    delete store.usageStats[id];
    if (Object.keys(store.usageStats).length === 0) delete store.usageStats;
  }
  return { store, result: { ok: true, provider: prev?.provider ?? malformed?.provider ?? profileProvider(id) } };
}

/** Set the order of `provider`: every id must exist in the store and belong to the provider. */
export function setOrder(store: Store, provider: string, ids: string[]): Mutation<MutationResult<{ order: string[] }>> {
  if (ids.length === 0)
    return {
      store: null,
      result: { ok: false, reason: 'empty', detail: 'give at least one profile id (or use `order clear`)' },
    };
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id))
      return { store: null, result: { ok: false, reason: 'duplicate', detail: `profile "${id}" is listed twice` } };
    seen.add(id);
    const profile = store.profiles[id];
    if (!profile)
      return { store: null, result: { ok: false, reason: 'not_found', detail: `no profile "${id}" in this store` } };
    if (profile.provider !== provider) {
      return {
        store: null,
        result: {
          ok: false,
          reason: 'wrong_provider',
          detail: `profile "${id}" belongs to ${profile.provider}, not ${provider}`,
        },
      };
    }
  }
  store.order = { ...(store.order ?? {}), [provider]: [...ids] };
  return { store, result: { ok: true, order: [...ids] } };
}

/** Drop the stored order of `provider` (the config order, then all profiles apply again). */
export function clearOrder(store: Store, provider: string): Mutation<MutationResult<{ cleared: boolean }>> {
  if (!store.order || !Object.hasOwn(store.order, provider))
    return { store: null, result: { ok: true, cleared: false } };
  delete store.order[provider];
  if (Object.keys(store.order).length === 0) delete store.order;
  return { store, result: { ok: true, cleared: true } };
}

/**
 * Which auth profile to try first: ONE pure function used by the gateway (per request),
 * by `models status` ("next profile") and by `/model status`.
 *
 * Rules: session pin > stored order (`store.order[provider]`) >
 * config order (`auth.order[provider]`) > every profile of the provider (+ the env
 * credential). Profiles in cooldown or disabled go last (soonest available first).
 * Without an explicit order, profiles sort oauth < token < api_key, then least recently
 * used first, so load spreads and a subscription credential is preferred over a paid key.
 * Credentials the provider refused (last probe `auth`, refresh refused for good) come last.
 */
import { quotaBlockedUntil } from './quota.js';
import { profileProvider, type Profile, type Store, type UsageStats } from './schema.js';
import { sha256Prefix } from './secrets.js';
import { compareText } from '../util/collate.js';
import { own } from '../util/own.js';

export interface OrderInput {
  provider: string;
  store: Store;
  /** `auth.order[provider]` from the config. */
  configOrder?: string[];
  /** A session pin (`/model x@profile`): always tried first when it exists. */
  pin?: string;
  now: number;
  /** Id of the env credential (e.g. `anthropic:env`) when the provider's env var is set. */
  envProfileId?: string;
}

const TYPE_RANK: Record<string, number> = { oauth: 0, token: 1, api_key: 2 };

/**
 * Epoch ms until which a profile is unavailable (cooldown, disabled, or a quota window spent
 * until the provider's own reset time), 0 when available.
 */
export function unavailableUntil(stats: UsageStats | undefined, now: number): number {
  const until = Math.max(stats?.cooldownUntil ?? 0, stats?.disabledUntil ?? 0, quotaBlockedUntil(stats, now));
  return until > now ? until : 0;
}

/** The literal secret a profile holds (refs are not resolved here: order needs no env). */
function literalSecret(p: Profile | undefined): string | undefined {
  const v = p?.type === 'api_key' ? p.key : p?.type === 'token' ? p.token : p?.access;
  return typeof v === 'string' ? v.trim() : undefined;
}

/**
 * True when the provider refused this very credential at the last probe, or its refresh
 * was refused for good: it goes behind every usable profile (a replaced secret clears it).
 */
export function isRefused(store: Store, id: string): boolean {
  const stats = store.usageStats?.[id];
  if (stats?.lastRefresh && !stats.lastRefresh.ok && stats.lastRefresh.permanent) return true;
  const probe = stats?.lastProbe;
  if (!probe || probe.ok || (probe.reason !== 'auth' && probe.reason !== 'auth_permanent')) return false;
  const secret = literalSecret(store.profiles[id]);
  return !probe.secretHash || secret === undefined || sha256Prefix(secret) === probe.secretHash;
}

/** The profile ids to try, in order. Pure. Unknown ids (not stored, not env) are dropped. */
export function resolveOrder(input: OrderInput): string[] {
  const { provider, store, now } = input;
  const stats = store.usageStats ?? {};
  const exists = (id: string): boolean => {
    if (id === input.envProfileId) return true;
    const p = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
    return p !== undefined && (p.provider ?? profileProvider(id)) === provider;
  };
  const dedupe = (ids: string[]) => [...new Set(ids)].filter(exists);

  const stored = dedupe(own(store.order, provider) ?? []);
  const configured = dedupe(input.configOrder ?? []);
  let base: string[];
  if (stored.length > 0) base = stored;
  else if (configured.length > 0) base = configured;
  else {
    const all = Object.entries(store.profiles)
      .filter(([, p]) => p.provider === provider)
      .map(([id]) => id);
    if (input.envProfileId && !all.includes(input.envProfileId)) all.push(input.envProfileId);
    const typeOf = (id: string) =>
      id === input.envProfileId && !store.profiles[id] ? 'api_key' : (store.profiles[id]?.type ?? 'api_key');
    base = all.sort(
      (a, b) =>
        (TYPE_RANK[typeOf(a)] ?? 3) - (TYPE_RANK[typeOf(b)] ?? 3) ||
        (stats[a]?.lastUsed ?? 0) - (stats[b]?.lastUsed ?? 0) ||
        compareText(a, b),
    );
  }

  // Stable partition: available keep their order; cooling down next, soonest back first;
  // credentials the provider refused last.
  const refused = base.filter((id) => isRefused(store, id));
  const rest = base.filter((id) => !refused.includes(id));
  const available = rest.filter((id) => unavailableUntil(stats[id], now) === 0);
  const waiting = rest
    .filter((id) => unavailableUntil(stats[id], now) > 0)
    .sort((a, b) => unavailableUntil(stats[a], now) - unavailableUntil(stats[b], now));
  const ordered = [...available, ...waiting, ...refused];

  if (input.pin && exists(input.pin)) return [input.pin, ...ordered.filter((id) => id !== input.pin)];
  return ordered;
}

/**
 * The profile the next request would use: the first available one, else (everything is
 * cooling down) the one that comes back soonest; undefined when the provider has none.
 */
export function nextProfile(input: OrderInput): string | undefined {
  return resolveOrder(input)[0];
}

/** True when the profile is in cooldown or disabled at `now`. */
export function isUnavailable(store: Store, profileId: string, now: number): boolean {
  return unavailableUntil(store.usageStats?.[profileId], now) > 0;
}

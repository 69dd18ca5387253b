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
import { sha256Prefix } from '../util/sha256.js';
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

/** One candidate id with what the order looks at, computed once (not once per comparison). */
interface Ranked {
  id: string;
  type: number;
  lastUsed: number;
  until: number;
}

/**
 * The profile ids to try, in order. Pure. Unknown ids (not stored, not env) are dropped.
 * Runs per gateway request over every profile of the provider: each profile's rank, last use
 * and availability are read once, and sorting compares those numbers (text only on a tie).
 */
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
  const explicit = stored.length > 0 ? stored : configured.length > 0 ? configured : null;
  let base: string[];
  if (explicit) base = explicit;
  else {
    base = [];
    for (const id in store.profiles) if (store.profiles[id]?.provider === provider) base.push(id);
    if (input.envProfileId && !base.includes(input.envProfileId)) base.push(input.envProfileId);
  }
  // Stable partition: available keep their order; cooling down next, soonest back first;
  // credentials the provider refused last.
  const available: Ranked[] = [];
  const waiting: Ranked[] = [];
  const refused: string[] = [];
  for (const id of base) {
    if (isRefused(store, id)) {
      refused.push(id);
      continue;
    }
    const s = Object.hasOwn(stats, id) ? stats[id] : undefined;
    const type = id === input.envProfileId && !store.profiles[id] ? 'api_key' : (store.profiles[id]?.type ?? 'api_key');
    const r = { id, type: TYPE_RANK[type] ?? 3, lastUsed: s?.lastUsed ?? 0, until: unavailableUntil(s, now) };
    (r.until === 0 ? available : waiting).push(r);
  }
  if (!explicit) {
    // Without an explicit order: oauth < token < api_key, then least recently used first.
    const byRank = (a: Ranked, b: Ranked) => a.type - b.type || a.lastUsed - b.lastUsed || compareText(a.id, b.id);
    available.sort(byRank);
    waiting.sort(byRank);
    refused.sort((a, b) => {
      const ra = rankOf(store, a, input.envProfileId);
      const rb = rankOf(store, b, input.envProfileId);
      return ra - rb || (stats[a]?.lastUsed ?? 0) - (stats[b]?.lastUsed ?? 0) || compareText(a, b);
    });
  }
  // Array.prototype.sort is stable: equal return times keep the base order.
  waiting.sort((a, b) => a.until - b.until);
  const ordered = [...available.map((r) => r.id), ...waiting.map((r) => r.id), ...refused];

  if (input.pin && exists(input.pin)) return [input.pin, ...ordered.filter((id) => id !== input.pin)];
  return ordered;
}

function rankOf(store: Store, id: string, envProfileId: string | undefined): number {
  const type = id === envProfileId && !store.profiles[id] ? 'api_key' : (store.profiles[id]?.type ?? 'api_key');
  return TYPE_RANK[type] ?? 3;
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

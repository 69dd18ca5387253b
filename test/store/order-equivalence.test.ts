/**
 * resolveOrder reads each profile's rank, last use and availability once and sorts numbers
 * (it runs per gateway request over every profile of a provider). Its answer must stay the
 * one of the plain rule-by-rule version below (the order before that change), on any store.
 */
import test from 'ava';
import fc from 'fast-check';
import { isRefused, resolveOrder, unavailableUntil, type OrderInput } from '../../src/store/order.js';
import type { Profile, Store, UsageStats } from '../../src/store/schema.js';
import { compareText } from '../../src/util/collate.js';

const TYPE_RANK: Record<string, number> = { oauth: 0, token: 1, api_key: 2 };

/** The rules one by one: sort everything, then partition (refused, available, waiting). */
function reference(input: OrderInput): string[] {
  const { provider, store, now } = input;
  const stats = store.usageStats ?? {};
  const exists = (id: string) => {
    if (id === input.envProfileId) return true;
    const p = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
    return p !== undefined && (p.provider ?? id.split(':')[0]) === provider;
  };
  const dedupe = (ids: string[]) => [...new Set(ids)].filter(exists);
  const stored = dedupe(store.order?.[provider] ?? []);
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

const NOW = 1_800_000_000_000;
const id = fc.tuple(
  fc.constantFrom('anthropic', 'openai'),
  fc.constantFrom('a', 'b', 'c', 'd', 'e', 'B', 'x-1', 'env'),
);
const profile = fc.tuple(id, fc.constantFrom('api_key', 'token', 'oauth'), fc.constantFrom('k1', 'k2'));
// Small value sets, so ties (equal last use, equal cooldown end) are common.
const time = fc.constantFrom(undefined, 0, NOW - 2000, NOW - 1000, NOW + 1000, NOW + 5000);
const stat = fc.record({
  lastUsed: time,
  cooldownUntil: time,
  disabledUntil: time,
  refused: fc.boolean(),
});

function build(profiles: [string[], string, string][], stats: UsageStats[], order: string[][]): Store {
  const store: Store = { version: 1, profiles: {} };
  for (const [[provider, name], type, secret] of profiles) {
    const p =
      type === 'api_key'
        ? { type: 'api_key', provider, key: secret }
        : type === 'token'
          ? { type: 'token', provider, token: secret }
          : { type: 'oauth', provider, access: secret, refresh: 'r', expires: NOW + 1e6 };
    store.profiles[`${provider}:${name}`] = p as Profile;
  }
  const ids = Object.keys(store.profiles);
  store.usageStats = {};
  stats.forEach((s, i) => {
    const target = ids[i % Math.max(1, ids.length)];
    if (target && store.usageStats) store.usageStats[target] = s;
  });
  if (order.length) store.order = { anthropic: order[0] ?? [], ...(order[1] ? { openai: order[1] } : {}) };
  return store;
}

test('resolveOrder gives the rule-by-rule answer on any store', (t) => {
  fc.assert(
    fc.property(
      fc.array(profile, { maxLength: 10 }),
      fc.array(stat, { maxLength: 10 }),
      fc.array(
        fc.array(
          id.map(([p, n]) => `${p}:${n}`),
          { maxLength: 4 },
        ),
        { maxLength: 2 },
      ),
      fc.option(
        fc.array(
          id.map(([p, n]) => `${p}:${n}`),
          { maxLength: 4 },
        ),
        { nil: undefined },
      ),
      fc.option(
        id.map(([p, n]) => `${p}:${n}`),
        { nil: undefined },
      ),
      fc.boolean(),
      fc.constantFrom('anthropic', 'openai'),
      (profiles, raw, order, configOrder, pin, env, provider) => {
        const stats = raw.map(
          (s): UsageStats => ({
            ...(s.lastUsed !== undefined ? { lastUsed: s.lastUsed } : {}),
            ...(s.cooldownUntil !== undefined ? { cooldownUntil: s.cooldownUntil } : {}),
            ...(s.disabledUntil !== undefined ? { disabledUntil: s.disabledUntil } : {}),
            ...(s.refused ? { lastProbe: { at: NOW, ok: false, reason: 'auth', latencyMs: 1 } } : {}),
          }),
        );
        const input: OrderInput = {
          provider,
          store: build(profiles, stats, order),
          now: NOW,
          ...(configOrder ? { configOrder } : {}),
          ...(pin ? { pin } : {}),
          ...(env ? { envProfileId: `${provider}:env` } : {}),
        };
        t.deepEqual(resolveOrder(input), reference(input));
      },
    ),
    { seed: 18, numRuns: 2000 },
  );
});

import test from 'ava';
import { nextProfile, resolveOrder } from '../../src/store/order.js';
import type { Store } from '../../src/store/schema.js';

const NOW = 1_800_000_000_000;

function store(extra: Partial<Store> = {}): Store {
  return {
    version: 1,
    profiles: {
      'anthropic:key': { type: 'api_key', provider: 'anthropic', key: 'sk-ant-api03-x' },
      'anthropic:tok': { type: 'token', provider: 'anthropic', token: 'sk-ant-oat01-x' },
      'anthropic:oa': { type: 'oauth', provider: 'anthropic', access: 'a', refresh: 'r', expires: NOW + 1e6 },
      'anthropic:oa2': { type: 'oauth', provider: 'anthropic', access: 'b', refresh: 'r', expires: NOW + 1e6 },
      'openai:key': { type: 'api_key', provider: 'openai', key: 'sk-x' },
    },
    ...extra,
  };
}

test('without an order: oauth < token < api_key (env counts as a key), then least recently used', (t) => {
  const s = store({
    usageStats: { 'anthropic:oa': { lastUsed: NOW - 10 }, 'anthropic:oa2': { lastUsed: NOW - 1000 } },
  });
  t.deepEqual(resolveOrder({ provider: 'anthropic', store: s, now: NOW, envProfileId: 'anthropic:env' }), [
    'anthropic:oa2',
    'anthropic:oa',
    'anthropic:tok',
    'anthropic:env',
    'anthropic:key',
  ]);
});

test('stored order beats config order; unknown ids are dropped', (t) => {
  const s = store({ order: { anthropic: ['anthropic:key', 'anthropic:gone', 'anthropic:tok'] } });
  t.deepEqual(resolveOrder({ provider: 'anthropic', store: s, configOrder: ['anthropic:oa'], now: NOW }), [
    'anthropic:key',
    'anthropic:tok',
  ]);
  t.deepEqual(
    resolveOrder({ provider: 'anthropic', store: store(), configOrder: ['anthropic:tok', 'anthropic:oa'], now: NOW }),
    ['anthropic:tok', 'anthropic:oa'],
  );
});

test('an order that names only missing profiles falls back to the next rule', (t) => {
  const s = store({ order: { anthropic: ['anthropic:gone'] } });
  t.deepEqual(resolveOrder({ provider: 'anthropic', store: s, configOrder: ['anthropic:tok'], now: NOW }), [
    'anthropic:tok',
  ]);
});

test('cooldown and disabled profiles go last, soonest back first', (t) => {
  const s = store({
    order: { anthropic: ['anthropic:key', 'anthropic:tok', 'anthropic:oa'] },
    usageStats: {
      'anthropic:key': { cooldownUntil: NOW + 60_000 },
      'anthropic:tok': { disabledUntil: NOW + 30_000, disabledReason: 'billing' },
    },
  });
  t.deepEqual(resolveOrder({ provider: 'anthropic', store: s, now: NOW }), [
    'anthropic:oa',
    'anthropic:tok',
    'anthropic:key',
  ]);
  // An expired cooldown no longer counts.
  t.deepEqual(resolveOrder({ provider: 'anthropic', store: s, now: NOW + 120_000 }), [
    'anthropic:key',
    'anthropic:tok',
    'anthropic:oa',
  ]);
});

test('a session pin comes first even when cooling down; a pin to another provider is ignored', (t) => {
  const s = store({ usageStats: { 'anthropic:key': { cooldownUntil: NOW + 60_000 } } });
  t.is(resolveOrder({ provider: 'anthropic', store: s, pin: 'anthropic:key', now: NOW })[0], 'anthropic:key');
  t.is(resolveOrder({ provider: 'anthropic', store: s, pin: 'openai:key', now: NOW })[0], 'anthropic:oa');
  t.is(resolveOrder({ provider: 'anthropic', store: s, pin: 'openai:key', now: NOW }).includes('openai:key'), false);
});

test('nextProfile: first candidate, or undefined for a provider without credentials', (t) => {
  t.is(nextProfile({ provider: 'openai', store: store(), now: NOW }), 'openai:key');
  t.is(nextProfile({ provider: 'google', store: store(), now: NOW }), undefined);
  t.is(nextProfile({ provider: 'google', store: store(), now: NOW, envProfileId: 'google:env' }), 'google:env');
});

test('a credential the provider refused goes last; replacing its secret clears that', async (t) => {
  const { sha256Prefix } = await import('../../src/util/sha256.js');
  const s = store({
    usageStats: {
      'anthropic:tok': {
        lastProbe: { at: NOW, ok: false, reason: 'auth', secretHash: sha256Prefix('sk-ant-oat01-x') },
      },
    },
  });
  t.is(resolveOrder({ provider: 'anthropic', store: s, now: NOW }).at(-1), 'anthropic:tok');
  const replaced = structuredClone(s);
  (replaced.profiles['anthropic:tok'] as { token: string }).token = 'sk-ant-oat01-new';
  t.not(resolveOrder({ provider: 'anthropic', store: replaced, now: NOW }).at(-1), 'anthropic:tok');
  const refreshFailed = store({
    usageStats: { 'anthropic:oa': { lastRefresh: { at: NOW, ok: false, permanent: true, reason: 'invalid_grant' } } },
  });
  t.is(resolveOrder({ provider: 'anthropic', store: refreshFailed, now: NOW }).at(-1), 'anthropic:oa');
});

/** Pure store changes behind the auth commands. */
import test from 'ava';
import { clearOrder, profileIdProblem, putSecretProfile, removeProfile, setOrder } from '../../src/store/mutations.js';
import type { Store } from '../../src/store/schema.js';

function sample(): Store {
  return {
    version: 1,
    profiles: {
      'anthropic:work': { type: 'api_key', provider: 'anthropic', key: 'k1', note: 'mine' } as never,
      'anthropic:default': { type: 'api_key', provider: 'anthropic', key: 'k2' },
      'openai:default': { type: 'api_key', provider: 'openai', key: 'k3' },
    },
    order: { anthropic: ['anthropic:work', 'anthropic:default'], openai: ['openai:default'] },
    lastGood: { anthropic: 'anthropic:work' },
    usageStats: {
      'anthropic:work': { errorCount: 2, cooldownUntil: 99, lastProbe: { at: 1, ok: false, reason: 'auth' } },
    },
    extra: 'kept',
  } as Store;
}

test('putSecretProfile adds a token with expiry', (t) => {
  const { store, result } = putSecretProfile(sample(), {
    id: 'anthropic:manual',
    provider: 'anthropic',
    type: 'token',
    secret: 'T',
    expires: 5,
  });
  t.deepEqual(result, { ok: true, replaced: false });
  t.deepEqual(store?.profiles['anthropic:manual'], { type: 'token', provider: 'anthropic', token: 'T', expires: 5 });
  t.is((store as Record<string, unknown>).extra, 'kept');
});

test('putSecretProfile replacing a key keeps unknown fields, drops the stale probe and cooldown', (t) => {
  const { store, result } = putSecretProfile(sample(), {
    id: 'anthropic:work',
    provider: 'anthropic',
    type: 'api_key',
    secret: 'NEW',
  });
  t.true(result.ok && result.replaced);
  t.deepEqual(store?.profiles['anthropic:work'], {
    type: 'api_key',
    provider: 'anthropic',
    key: 'NEW',
    note: 'mine',
  } as never);
  t.deepEqual(store?.usageStats?.['anthropic:work'], { errorCount: 0 });
});

test('putSecretProfile changing the type starts from a clean profile', (t) => {
  const { store } = putSecretProfile(sample(), {
    id: 'anthropic:work',
    provider: 'anthropic',
    type: 'token',
    secret: 'T',
  });
  t.deepEqual(store?.profiles['anthropic:work'], { type: 'token', provider: 'anthropic', token: 'T' });
});

test('removeProfile drops every reference', (t) => {
  const { store, result } = removeProfile(sample(), 'anthropic:work');
  t.deepEqual(result, { ok: true, provider: 'anthropic' });
  t.false('anthropic:work' in (store?.profiles ?? {}));
  t.deepEqual(store?.order, { anthropic: ['anthropic:default'], openai: ['openai:default'] });
  t.is(store?.lastGood, undefined);
  t.is(store?.usageStats, undefined);
});

test('removeProfile of an unknown id changes nothing', (t) => {
  const { store, result } = removeProfile(sample(), 'anthropic:nope');
  t.is(store, null);
  t.like(result, { ok: false, reason: 'not_found' });
});

test('setOrder validates existence, provider and duplicates', (t) => {
  t.like(setOrder(sample(), 'anthropic', ['anthropic:default', 'anthropic:work']).result, {
    ok: true,
    order: ['anthropic:default', 'anthropic:work'],
  });
  t.like(setOrder(sample(), 'anthropic', ['anthropic:nope']).result, { ok: false, reason: 'not_found' });
  t.like(setOrder(sample(), 'anthropic', ['openai:default']).result, { ok: false, reason: 'wrong_provider' });
  t.like(setOrder(sample(), 'anthropic', ['anthropic:work', 'anthropic:work']).result, {
    ok: false,
    reason: 'duplicate',
  });
  t.like(setOrder(sample(), 'anthropic', []).result, { ok: false, reason: 'empty' });
  t.is(setOrder(sample(), 'anthropic', ['anthropic:nope']).store, null);
});

test('clearOrder removes one provider and the empty map', (t) => {
  const once = clearOrder(sample(), 'anthropic');
  t.deepEqual(once.store?.order, { openai: ['openai:default'] });
  const twice = clearOrder(once.store as Store, 'openai');
  t.is(twice.store?.order, undefined);
  t.like(clearOrder(sample(), 'google'), { store: null, result: { ok: true, cleared: false } });
});

test('profileIdProblem', (t) => {
  t.is(profileIdProblem('anthropic:work', 'anthropic'), null);
  t.is(profileIdProblem('openai-codex:me@example.com', 'openai-codex'), null);
  t.regex(profileIdProblem('openai:work', 'anthropic') ?? '', /must start with "anthropic:"/);
  t.regex(profileIdProblem('work', 'anthropic') ?? '', /<provider>:<name>/);
  t.regex(profileIdProblem('anthropic:has space', 'anthropic') ?? '', /<provider>:<name>/);
});

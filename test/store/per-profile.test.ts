/**
 * The store is parsed per profile: a malformed profile is data (judged `invalid`), the rest
 * are read normally, and every write gives back the profiles it did not change exactly as
 * they were read (legacy OpenClaw spellings, unknown types, malformed values, key order).
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { collectCredentials } from '../../src/store/credentials.js';
import { putSecretProfile, removeProfile, setOrder } from '../../src/store/mutations.js';
import { parseStoreText, readStore } from '../../src/store/read.js';
import { rowFor } from '../../src/store/report.js';
import { malformedProfiles } from '../../src/store/schema.js';
import { updateStore } from '../../src/store/write.js';
import { tempHome } from '../helpers/tmp.js';

const KEY = `sk-ant-api03-${'K'.repeat(40)}`;
const NOW = Date.UTC(2026, 11, 1);

const RAW = {
  profiles: {
    'anthropic:legacy': { provider: 'anthropic', type: 'apiKey', apiKey: KEY, addedBy: 'openclaw 0.9' },
    'anthropic:future': {
      type: 'passkey',
      provider: 'anthropic',
      credentialId: 'FIXTURE',
      nested: { a: [1, { b: null }] },
    },
    'anthropic:str': { type: 'token', provider: 'anthropic', token: 'sk-ant-oat01-FIXTURE', expires: '1798761600000' },
    'openai:noprov': { type: 'api_key', key: 'sk-FIXTURE' },
    'anthropic:ok': { type: 'api_key', provider: 'anthropic', key: KEY },
  },
};

function statuses(text: string): Record<string, [string, string]> {
  const r = parseStoreText(text);
  if (!r.ok) throw new Error(r.detail);
  const views = collectCredentials('main', r.store, {}, { includeEnv: false });
  return Object.fromEntries(
    views.map((v) => rowFor(v, NOW, 86_400_000)).map((row) => [row.id, [row.status, row.detail]]),
  );
}

test('one malformed profile never hides the others; no version reads as 1', (t) => {
  const s = statuses(JSON.stringify(RAW));
  t.deepEqual(s['anthropic:legacy'], ['static', 'API key (no expiry)']);
  t.deepEqual(s['anthropic:ok'], ['static', 'API key (no expiry)']);
  t.deepEqual(s['anthropic:future'], ['invalid', 'unsupported credential type "passkey"']);
  t.deepEqual(s['anthropic:str'], ['invalid', 'expires is a string, not epoch milliseconds']);
  t.deepEqual(s['openai:noprov'], ['invalid', 'missing provider']);
});

test('unsupported version and non-objects stay store-level errors', (t) => {
  t.like(parseStoreText('{"version":2,"profiles":{}}'), { ok: false, reason: 'version' });
  t.like(parseStoreText('[]'), { ok: false, reason: 'schema' });
  t.like(parseStoreText('"x"'), { ok: false, reason: 'schema' });
  t.like(parseStoreText('{"version":1,"profiles":[]}'), { ok: false, reason: 'schema' });
});

test(
  'a write that changes another profile gives back legacy, unknown-type and malformed profiles as ' + 'read',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore(RAW);
    await updateStore(path, (s) =>
      putSecretProfile(s, { id: 'anthropic:new', provider: 'anthropic', type: 'api_key', secret: KEY }),
    );
    await updateStore(path, (s) => setOrder(s, 'anthropic', ['anthropic:ok']));
    const after = JSON.parse(readFileSync(path, 'utf8')) as typeof RAW & { version: number };
    for (const [id, p] of Object.entries(RAW.profiles))
      t.is(JSON.stringify(after.profiles[id as keyof typeof RAW.profiles]), JSON.stringify(p), id);
    t.deepEqual(Object.keys(after.profiles), [...Object.keys(RAW.profiles), 'anthropic:new']);
    t.is(after.version, 1);
  },
);

test(
  'changing a legacy profile writes it in the current spelling; replacing or removing a malformed one drops ' + 'it',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore(RAW);
    const NEW = `sk-ant-api03-${'N'.repeat(40)}`;
    await updateStore(path, (s) =>
      putSecretProfile(s, { id: 'anthropic:legacy', provider: 'anthropic', type: 'api_key', secret: NEW }),
    );
    const replaced = await updateStore(path, (s) =>
      putSecretProfile(s, { id: 'anthropic:str', provider: 'anthropic', type: 'api_key', secret: NEW }),
    );
    t.like(replaced, { ok: true, replaced: true });
    const removed = await updateStore(path, (s) => removeProfile(s, 'anthropic:future'));
    t.like(removed, { ok: true, provider: 'anthropic' });
    const after = JSON.parse(readFileSync(path, 'utf8')) as { profiles: Record<string, unknown> };
    t.deepEqual(after.profiles['anthropic:legacy'], {
      provider: 'anthropic',
      type: 'api_key',
      addedBy: 'openclaw 0.9',
      key: NEW,
    });
    t.deepEqual(after.profiles['anthropic:str'], { type: 'api_key', provider: 'anthropic', key: NEW });
    t.false('anthropic:future' in after.profiles);
    const read = readStore(path);
    if (!read.ok) return t.fail(read.detail);
    t.deepEqual(
      malformedProfiles(read.store).map((m) => m.id),
      ['openai:noprov'],
    );
  },
);

test(
  'an unreadable usageStats entry makes only its profile invalid; bad order/lastGood entries are skipped and ' + 'kept',
  async (t) => {
    const text = JSON.stringify({
      version: 1,
      profiles: {
        'anthropic:ok': { type: 'api_key', provider: 'anthropic', key: KEY },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: KEY },
      },
      usageStats: { 'anthropic:b': { lastRefresh: 'refused' }, 'anthropic:ok': { lastUsed: 5 } },
      order: { anthropic: 'anthropic:ok', openai: ['openai:x'] },
      lastGood: { anthropic: 7 },
    });
    const s = statuses(text);
    t.is(s['anthropic:ok']?.[0], 'static');
    t.deepEqual(s['anthropic:b'], ['invalid', 'usageStats: lastRefresh: Expected object, received string']);
    const r = parseStoreText(text);
    if (!r.ok) return t.fail(r.detail);
    t.deepEqual(r.store.order, { openai: ['openai:x'] });
    t.deepEqual(r.store.lastGood, {});
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore(text);
    await updateStore(path, (st) => removeProfile(st, 'anthropic:b'));
    const after = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    t.deepEqual(after.order, { anthropic: 'anthropic:ok', openai: ['openai:x'] });
    t.deepEqual(after.lastGood, { anthropic: 7 });
    t.deepEqual(
      after.usageStats,
      { 'anthropic:ok': { lastUsed: 5 } },
      'the removed profile took its unreadable stats with it',
    );
  },
);

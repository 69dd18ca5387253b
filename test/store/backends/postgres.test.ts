/** The postgres backend against a real throwaway PostgreSQL: migrations, round trips, sealing, rekey, locking. */
import { randomBytes } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import type pg from 'pg';
import { postgresBackend, type PostgresBackend } from '../../../src/store/backends/postgres.js';
import { createPool, StoreUnavailableError } from '../../../src/store/backends/postgres/connect.js';
import { LATEST_VERSION, migrate, schemaState } from '../../../src/store/backends/postgres/migrations.js';
import { rekey } from '../../../src/store/backends/postgres/rekey.js';
import { parseStoreKey, type StoreKey } from '../../../src/store/backends/postgres/seal.js';
import type { Store } from '../../../src/store/schema.js';
import { serializeStore } from '../../../src/store/write.js';
import { freePort } from '../../helpers/net.js';
import { usePostgres } from '../../helpers/postgres.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const newKey = (): StoreKey => parseStoreKey(randomBytes(32).toString('base64'), 'test key');
const agent = (id = 'main') => ({ id, storePath: `/nonexistent/${id}` });

/** Canary secrets: the test fails if any of them appears in any table. */
const CANARY = {
  key: 'sk-ant-api03-CANARYKEY0123456789',
  token: 'sk-ant-oat01-CANARYTOKEN9876543210',
  access: 'CANARY-ACCESS-abcdef',
  refresh: 'CANARY-REFRESH-uvwxyz',
  legacy: 'sk-legacy-CANARY-apikey',
};

function sampleStore(): Store {
  return {
    version: 1,
    profiles: {
      'anthropic:work': {
        type: 'api_key',
        provider: 'anthropic',
        key: CANARY.key,
        note: { by: 'hand', tags: ['a', 'b'] },
      } as never,
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: CANARY.token, expires: 1798761600000 },
      'openai-codex:me@example.com': {
        type: 'oauth',
        provider: 'openai-codex',
        access: CANARY.access,
        refresh: CANARY.refresh,
        expires: 1764000000000,
        email: 'me@example.com',
        zeta: 1,
        alpha: 2,
      } as never,
      'openai:legacy': { type: 'api_key', provider: 'openai', apiKey: CANARY.legacy } as never,
      'openai:ref': { type: 'api_key', provider: 'openai', key: { source: 'env', id: 'OPENAI_API_KEY' } },
    },
    order: { anthropic: ['anthropic:work', 'anthropic:manual'] },
    lastGood: { anthropic: 'anthropic:work' },
    usageStats: {
      'anthropic:work': {
        lastUsed: 5,
        cooldownUntil: 99,
        errorCount: 1,
        failureCounts: { rate_limit: 1 },
        custom: 'kept',
      } as never,
    },
    topLevelExtra: { keep: true },
  } as Store;
}

async function setup(
  t: ExecutionContext,
  key: StoreKey | null = newKey(),
): Promise<{ url: string; b: PostgresBackend; pool: pg.Pool } | null> {
  const url = await pgs.need(t);
  if (!url) return null;
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  const b = postgresBackend(createPool(url), 'aipro', key);
  t.teardown(async () => {
    await b.close();
    await pool.end();
  });
  return { url, b, pool };
}

/** Every row of every table in the schema, as text. */
async function dumpSchema(pool: pg.Pool, schema: string): Promise<string> {
  const tables = await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
  let all = '';
  for (const { table_name } of tables.rows)
    all += (await pool.query(`SELECT t::text AS row FROM ${schema}.${table_name} t`)).rows.map((r) => r.row).join('\n');
  return all;
}

test('migrate creates the schema once; a second run applies nothing', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const pool = createPool(url);
  t.teardown(() => pool.end());
  t.deepEqual(await schemaState(pool, 'fleet1'), { current: 0, latest: LATEST_VERSION });
  const first = await migrate(pool, 'fleet1');
  t.is(first.applied.length, LATEST_VERSION);
  const second = await migrate(pool, 'fleet1');
  t.is(second.applied.length, 0);
  t.deepEqual(await schemaState(pool, 'fleet1'), { current: LATEST_VERSION, latest: LATEST_VERSION });
});

test('a schema that is behind is refused with the command that fixes it', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const b = postgresBackend(createPool(url), 'notyet', newKey());
  t.teardown(() => b.close());
  const read = await b.read(agent());
  t.like(read, { ok: false, reason: 'unreadable' });
  t.regex(read.ok ? '' : read.detail, /aipro store migrate/);
  await t.throwsAsync(
    b.update(agent(), (s) => ({ store: s, result: 0 })),
    { message: /aipro store migrate/ },
  );
});

test('a store round-trips byte-equal; no secret is stored in plaintext in any table', async (t) => {
  const s = await setup(t);
  if (!s) return;
  t.like(await s.b.read(agent()), { ok: true, exists: false });
  await s.b.update(agent(), (_cur, exists) => ({ store: sampleStore(), result: exists }));
  const back = await s.b.read(agent());
  if (!back.ok) return t.fail(back.detail);
  t.true(back.exists);
  t.is(serializeStore(back.store), serializeStore(sampleStore()));
  const dump = await dumpSchema(s.pool, 'aipro');
  t.true(dump.includes('anthropic:work'), 'the dump covers the profile rows');
  for (const secret of Object.values(CANARY))
    t.false(dump.includes(secret), `plaintext ${secret.slice(0, 12)}… in the database`);
  t.true(dump.includes('OPENAI_API_KEY'), 'references are not secrets and stay readable');
  t.deepEqual(await s.b.listAgents(), ['main']);
});

test('update changes only what the change touched; removing a profile removes its rows', async (t) => {
  const s = await setup(t);
  if (!s) return;
  await s.b.update(agent(), () => ({ store: sampleStore(), result: 0 }));
  const before = await s.pool.query(`SELECT profile_id, secrets::text AS s FROM aipro.profiles ORDER BY profile_id`);
  await s.b.update(agent(), (st) => {
    delete st.profiles['openai:legacy'];
    st.profiles['anthropic:manual']!.expires = 1798761600001;
    return { store: st, result: 0 };
  });
  const after = await s.pool.query(`SELECT profile_id, secrets::text AS s FROM aipro.profiles ORDER BY profile_id`);
  const map = (rows: { profile_id: string; s: string }[]) => Object.fromEntries(rows.map((r) => [r.profile_id, r.s]));
  const a = map(after.rows);
  const b = map(before.rows);
  t.false('openai:legacy' in a);
  t.is(a['anthropic:work'], b['anthropic:work'], 'an untouched profile keeps its sealed bytes');
  t.not(a['anthropic:manual'], b['anthropic:manual'], 'a changed profile is rewritten');
  const read = await s.b.read(agent());
  t.true(read.ok && read.store.profiles['anthropic:manual']?.expires === 1798761600001);
});

test('concurrent updates from separate pools are serialised per agent: none is lost', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const key = newKey();
  const hosts = [0, 1, 2].map(() => postgresBackend(createPool(s.url), 'aipro', key));
  t.teardown(() => Promise.all(hosts.map((h) => h.close())).then(() => undefined));
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      hosts[i % 3]!.update(agent('race'), (st) => {
        st.usageStats = { ...(st.usageStats ?? {}), [`p:${i}`]: { errorCount: i } };
        return { store: st, result: 0 };
      }),
    ),
  );
  const read = await hosts[0]!.read(agent('race'));
  t.true(read.ok && Object.keys(read.store.usageStats ?? {}).length === 30);
});

test('a wrong key reads as an unreadable store naming both key ids, and is never written over', async (t) => {
  const s = await setup(t);
  if (!s) return;
  await s.b.update(agent(), () => ({ store: sampleStore(), result: 0 }));
  const other = postgresBackend(createPool(s.url), 'aipro', newKey());
  t.teardown(() => other.close());
  const read = await other.read(agent());
  t.like(read, { ok: false, reason: 'unreadable' });
  t.regex(read.ok ? '' : read.detail, /sealed under key [0-9a-f]{8}, but the key given is [0-9a-f]{8}/);
  await t.throwsAsync(other.update(agent(), (st) => ({ store: st, result: 0 })));
  t.true((await s.b.read(agent())).ok);
});

test('encryption none stores values plain (explicit choice); rekey then seals them', async (t) => {
  const s = await setup(t, null);
  if (!s) return;
  await s.b.update(agent(), () => ({ store: sampleStore(), result: 0 }));
  t.true((await dumpSchema(s.pool, 'aipro')).includes(CANARY.token));
  const k = newKey();
  const r = await rekey(s.pool, 'aipro', k, []);
  t.is(r.resealed, 5);
  t.false((await dumpSchema(s.pool, 'aipro')).includes(CANARY.token));
  const sealed = postgresBackend(createPool(s.url), 'aipro', k);
  t.teardown(() => sealed.close());
  const read = await sealed.read(agent());
  t.true(read.ok && serializeStore(read.store) === serializeStore(sampleStore()));
});

test('rekey re-seals every secret in one transaction; a wrong old key changes nothing', async (t) => {
  const a = newKey();
  const s = await setup(t, a);
  if (!s) return;
  await s.b.update(agent(), () => ({ store: sampleStore(), result: 0 }));
  await s.b.update(agent('second'), () => ({ store: sampleStore(), result: 0 }));
  const b = newKey();
  const snapshot = await dumpSchema(s.pool, 'aipro');
  await t.throwsAsync(rekey(s.pool, 'aipro', b, [newKey()]), { message: /Nothing was changed/ });
  t.is(await dumpSchema(s.pool, 'aipro'), snapshot);
  t.like(await rekey(s.pool, 'aipro', b, [a]), { resealed: 10, alreadyCurrent: 0, profiles: 10 });
  t.like(await rekey(s.pool, 'aipro', b, [a]), { resealed: 0, alreadyCurrent: 10 });
  const withB = postgresBackend(createPool(s.url), 'aipro', b);
  t.teardown(() => withB.close());
  for (const id of ['main', 'second']) {
    const read = await withB.read(agent(id));
    t.true(read.ok && serializeStore(read.store) === serializeStore(sampleStore()), id);
  }
  t.like(await s.b.read(agent()), { ok: false, reason: 'unreadable' });
});

test('an error thrown by the change passes through unchanged and nothing is written', async (t) => {
  const s = await setup(t);
  if (!s) return;
  await s.b.update(agent(), () => ({ store: sampleStore(), result: 0 }));
  class Refusal extends Error {}
  await t.throwsAsync(
    s.b.update(agent(), (st) => {
      st.profiles = {};
      throw new Refusal('profile x is not here');
    }),
    { instanceOf: Refusal, message: 'profile x is not here' },
  );
  const read = await s.b.read(agent());
  t.true(read.ok && serializeStore(read.store) === serializeStore(sampleStore()));
});

test(
  'PostgreSQL unreachable: read is an unreadable store, update and the refresh lock throw ' + 'StoreUnavailableError',
  async (t) => {
    const url = `postgres://aipro:pw@127.0.0.1:${await freePort()}/aipro`;
    const b = postgresBackend(createPool(url), 'aipro', newKey());
    t.teardown(() => b.close());
    const read = await b.read(agent());
    t.like(read, { ok: false, reason: 'unreadable' });
    t.regex(read.ok ? '' : read.detail, /PostgreSQL: .*ECONNREFUSED/);
    t.false((read.ok ? '' : read.detail).includes(':pw@'));
    await t.throwsAsync(
      b.update(agent(), (st) => ({ store: st, result: 0 })),
      { instanceOf: StoreUnavailableError, message: /nothing was written/ },
    );
    await t.throwsAsync(
      b.withRefreshLock(agent(), 'anthropic:x', async () => 1),
      { instanceOf: StoreUnavailableError, message: /nothing was refreshed/ },
    );
  },
);

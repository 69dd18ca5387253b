/**
 * One refresh per token family across a fleet: processes of several "hosts" (separate state
 * dirs) share one PostgreSQL store and a rotating OAuth server with reuse detection.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { postgresBackend } from '../../../src/store/backends/postgres.js';
import { createPool } from '../../../src/store/backends/postgres/connect.js';
import { migrate } from '../../../src/store/backends/postgres/migrations.js';
import { parseStoreKey } from '../../../src/store/backends/postgres/seal.js';
import { refreshProfile } from '../../../src/oauth/refresh.js';
import { usePostgres } from '../../helpers/postgres.js';
import { fleetServerAndHome, loginTokens, oauthConfigRaw, serverAndHome } from '../../oauth/helpers.js';
import { configFrom } from '../../helpers/config.js';
import { workerArgs } from '../../helpers/child.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('../fixtures/fleet-refresh-worker.ts', import.meta.url));
const ID = 'openai-codex:me@example.com';
const pgs = usePostgres();
test.after.always(() => pgs.stop());

test(
  '3 hosts x 5 processes refreshing an expiring token: exactly 1 refresh, 0 reuse, all get the new ' + 'token',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    const { server, h } = await serverAndHome(t);
    const keyText = randomBytes(32).toString('base64');
    const pool = createPool(url);
    await migrate(pool, 'aipro');
    await pool.end();
    const tokens = await loginTokens(server);
    const seedBackend = postgresBackend(createPool(url), 'aipro', parseStoreKey(keyText, 'k'));
    await seedBackend.update({ id: 'main', storePath: '' }, (s) => {
      // Expires in 60 s: inside the 5 min refresh skew, so every process finds it due.
      s.profiles[ID] = {
        type: 'oauth',
        provider: 'openai-codex',
        access: tokens.access,
        refresh: tokens.refresh,
        expires: Date.now() + 60_000,
        email: tokens.email,
      };
      return { store: s, result: undefined };
    });
    const configPath = join(h.home, 'fleet-config.json');
    writeFileSync(configPath, JSON.stringify({ ...oauthConfigRaw(server), store: { backend: 'postgres' } }));
    const hosts = [1, 2, 3].map((n) => {
      const home = join(h.home, `host${n}`);
      mkdirSync(join(home, '.aipro'), { recursive: true });
      return home;
    });
    const env = { ...process.env, AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: keyText };
    const outs = await Promise.all(
      hosts.flatMap((home) =>
        Array.from({ length: 5 }, () =>
          run(process.execPath, [...workerArgs(WORKER), home, configPath, ID], { env, timeout: 120_000 }),
        ),
      ),
    );
    const results = outs.map(
      (o) => JSON.parse(o.stdout.trim()) as { ok: boolean; refreshed?: boolean; accessHash?: string },
    );
    t.true(
      results.every((r) => r.ok),
      JSON.stringify(results),
    );
    t.is(results.filter((r) => r.refreshed).length, 1, JSON.stringify(results));
    t.is(new Set(results.map((r) => r.accessHash)).size, 1, 'every process ends with the same access token');
    t.is(server.presentedRefreshTokens.length, 1);
    t.deepEqual(
      server.tokenResponses.filter((x) => x.startsWith('refresh_token')),
      ['refresh_token:ok'],
    );
    // The family is intact: the stored (rotated) refresh token still works.
    const read = await seedBackend.read({ id: 'main', storePath: '' });
    t.true(read.ok && read.store.profiles[ID]?.refresh !== tokens.refresh);
    await seedBackend.close();
  },
);

test('a host killed while holding the refresh lock releases it with its session', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  const a = postgresBackend(createPool(url), 'aipro', null);
  const b = postgresBackend(createPool(url), 'aipro', null);
  t.teardown(async () => {
    await Promise.all([a.close(), b.close(), pool.end()]);
  });
  const agent = { id: 'main', storePath: '' };
  let holderPid = 0;
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  let finish!: () => void;
  const stuck = new Promise<void>((r) => (finish = r));
  const holder = a.withRefreshLock(agent, ID, async () => {
    // pg_locks spans every database of the cluster; other tests lock in theirs.
    const r = await pool.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM ` +
        `pg_database WHERE datname = current_database())`,
    );
    holderPid = r.rows[0].pid;
    entered();
    await stuck; // "hangs" until its session is killed
  });
  await inside;
  const order: string[] = [];
  const waiter = b.withRefreshLock(agent, ID, async () => void order.push('b ran'));
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(order, [], 'the second host waits while the first holds the lock');
  await pool.query('SELECT pg_terminate_backend($1)', [holderPid]);
  await waiter;
  t.deepEqual(order, ['b ran']);
  finish();
  // The killed session's transaction is gone: its commit fails instead of pretending it held the lock.
  await t.throwsAsync(holder);
});

test('a profile imported from a local CLI is neither refreshed nor re-synced from the fleet store', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const { server, h, b } = await fleetServerAndHome(t, url);
  await b.update({ id: 'main', storePath: '' }, (s) => {
    s.profiles[ID] = {
      type: 'oauth',
      provider: 'openai-codex',
      access: 'a1',
      refresh: 'r1',
      expires: Date.now() - 1000,
      importedFrom: { source: 'codex', path: '/nonexistent/auth.json' },
    } as never;
    return { store: s, result: undefined };
  });
  const r = await refreshProfile({
    storePath: h.storePath(),
    profileId: ID,
    config: configFrom(oauthConfigRaw(server)),
    env: {},
    now: Date.now,
    store: { backend: b, agentId: 'main' },
  });
  t.like(r, { ok: false, reason: 'imported' });
  t.deepEqual(server.presentedRefreshTokens, []);
  t.false(existsSync(h.storePath()), 'nothing was written to a local file');
});

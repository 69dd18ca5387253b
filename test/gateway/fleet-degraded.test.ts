/**
 * Degraded, not down: with PostgreSQL stopped a fleet gateway keeps serving with the credentials
 * it read last (for at most store.postgres.staleAfter), says so on /readyz and in
 * aipro_auth_store_ok, writes nothing (its bookkeeping is dropped, not replayed), and recovers by
 * itself once the database is back. The outage lasts AIPRO_TEST_PG_OUTAGE_MS (default 3 s; the
 * fleet runbook's drill is 30 s), always longer than the reconnect back-off used here.
 */
import test from 'ava';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { parseStoreKey } from '../../src/store/backends/postgres/seal.js';
import { usePostgres } from '../helpers/postgres.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, post } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';
import { migrated, startFleet, type FleetHost } from './fleet-hosts.js';
import { eventually } from '../helpers/wait.js';

const pgs = usePostgres({ private: true });
test.after.always(() => pgs.stop());

const BACKOFF = { minMs: 200, maxMs: 1_000 };
const OUTAGE_MS = Math.max(Number(process.env.AIPRO_TEST_PG_OUTAGE_MS ?? 3_000), 2 * BACKOFF.maxMs);
const msg = () => ({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
const ID = 'anthropic:sub';
// An OAuth profile 10 minutes from expiry: not due for a refresh before the outage.
const store = () => ({
  version: 1,
  profiles: {
    [ID]: {
      type: 'oauth',
      provider: 'anthropic',
      access: CANARY.antToken,
      refresh: CANARY.oauthRefresh,
      expires: Date.now() + 10 * 60_000,
    },
  },
});

async function readyz(h: FleetHost): Promise<{ status: number; text: string }> {
  const r = await fetch(`${h.url}/readyz`);
  return { status: r.status, text: await r.text() };
}

async function storeOk(h: FleetHost): Promise<string | undefined> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  return /^aipro_auth_store_ok\{agent="main"\} (\d)$/m.exec(text)?.[1];
}

test.serial(
  'PostgreSQL stopped: requests keep being served, /readyz and metrics say degraded, nothing is written; ' +
    'restarted: recovered',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    await migrated(url);
    const up = await startUpstream(() => anthropicOk());
    t.teardown(() => up.close());
    const clock = { skew: 0 };
    const { hosts, key, seed } = await startFleet(t, url, 1, {
      config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
      now: () => Date.now() + clock.skew,
      backoff: BACKOFF,
    });
    await seed(store() as never);
    const [h] = hosts as [FleetHost];
    await eventually(async () => (await readyz(h)).status === 200, 10_000, 'ready');
    t.is((await readyz(h)).text, 'ready\n');
    t.is((await post(`${h.url}/v1/messages`, msg())).status, 200);
    await h.gateway.close();
    t.is(await storeOk(h), '1');
    const lastUsed = async () => {
      const db = postgresBackend(createPool(url), 'aipro', parseStoreKey(key, 'AIPRO_STORE_KEY'));
      try {
        const r = await db.fetch({ id: 'main', storePath: '' });
        return r.ok ? r.store.usageStats?.[ID]?.lastUsed : undefined;
      } finally {
        await db.close();
      }
    };
    const before = await lastUsed();
    t.true(typeof before === 'number');

    const cluster = await pgs.cluster();
    cluster.stop();
    let restarted = false;
    t.teardown(() => {
      if (!restarted) cluster.start();
    });
    const degraded = await eventually(
      async () => {
        const r = await readyz(h);
        return r.status === 503 ? r : null;
      },
      20_000,
      '/readyz to say degraded',
    );
    t.regex(
      degraded.text,
      /^not ready: fleet auth store degraded: PostgreSQL: .+; serving credentials last read .+ ago/,
    );
    t.regex(degraded.text, /store\.postgres\.staleAfter = 15m\), writing nothing, reconnecting\n$/);
    t.is(await storeOk(h), '0');

    const stopped = Date.now();
    let served = 0;
    while (Date.now() - stopped < OUTAGE_MS) {
      const r = await post(`${h.url}/v1/messages`, msg());
      t.is(r.status, 200, r.text);
      served++;
      await new Promise((r) => setTimeout(r, 50));
    }
    t.log(`${served} requests served during a ${OUTAGE_MS} ms outage`);
    // Now inside the refresh skew: the refresh cannot take the fleet lock, which is a transient
    // failure; the token is still valid, so the request is served with it.
    clock.skew = 9 * 60_000;
    const due = await post(`${h.url}/v1/messages`, msg());
    t.is(due.status, 200, due.text);
    t.is(up.requests.at(-1)?.secret, CANARY.antToken, 'served with the current token');
    t.false(h.logs.some((l) => l.includes('gateway.internal_error')));
    clock.skew = 0;
    // Their bookkeeping could not be written: dropped (and logged), not queued for later.
    await h.gateway.close();
    t.true(h.logs.some((l) => l.includes('"level":"error","event":"gateway.usage_write_failed"')));

    // Past staleAfter the last copy is no longer trusted: a clear error, never a guess.
    clock.skew = 16 * 60_000;
    const stale = await post(`${h.url}/v1/messages`, msg());
    t.is(stale.status, 500);
    t.regex(stale.text, /older than store\.postgres\.staleAfter/);
    clock.skew = 0;

    cluster.start();
    restarted = true;
    await eventually(async () => (await readyz(h)).status === 200, 30_000, '/readyz to recover');
    t.is(await storeOk(h), '1');
    t.is(await lastUsed(), before, 'nothing from the outage was written, then or later');
    t.is((await post(`${h.url}/v1/messages`, msg())).status, 200);
    await h.gateway.close();
    t.true(((await lastUsed()) ?? 0) > (before as number), 'writes resume after recovery');
    t.is(await storeOk(h), '1');
    await eventually(
      async () => h.logs.some((l) => l.includes('"level":"info","event":"gateway.store_recovered"')),
      10_000,
      'recovered log',
    );
    const events = h.logs.filter((l) => /gateway\.store_(degraded|recovered)/.test(l)).map((l) => JSON.parse(l).event);
    t.deepEqual(events, ['gateway.store_degraded', 'gateway.store_recovered'], 'one line each way, none at start');
    t.deepEqual(leaks(h.logs.join('\n') + degraded.text), []);
  },
);

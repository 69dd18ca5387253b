/**
 * A host's cached view of the fleet store: a cooldown written by one host reaches another
 * within a second (LISTEN/NOTIFY), fresh reads never touch the database, and with PostgreSQL
 * stopped the last read is served for staleAfter while nothing is written; it recovers alone.
 */
import test, { type ExecutionContext } from 'ava';
import { postgresBackend } from '../../../src/store/backends/postgres.js';
import { cachedBackend, type CachedBackend } from '../../../src/store/backends/postgres/cache.js';
import { createPool, StoreUnavailableError } from '../../../src/store/backends/postgres/connect.js';
import { migrate } from '../../../src/store/backends/postgres/migrations.js';
import type { Store } from '../../../src/store/schema.js';
import { eventually } from '../../helpers/wait.js';
import { usePostgres } from '../../helpers/postgres.js';

const pgs = usePostgres({ private: true });
test.after.always(() => pgs.stop());

const agent = { id: 'main', storePath: '' };
const ID = 'anthropic:work';

async function fleet(
  t: ExecutionContext,
  clock: { now: number } | null = null,
): Promise<{ a: CachedBackend; b: CachedBackend } | null> {
  const url = await pgs.need(t);
  if (!url) return null;
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  await pool.end();
  const host = () =>
    cachedBackend(postgresBackend(createPool(url), 'aipro', null), {
      url,
      staleAfterMs: 15 * 60_000,
      backoff: { minMs: 100, maxMs: 400 },
      ...(clock ? { now: () => clock.now } : {}),
    });
  const a = host();
  const b = host();
  t.teardown(() => Promise.all([a.close(), b.close()]).then(() => undefined));
  await Promise.all([a.listening(), b.listening()]);
  await a.update(agent, (s) => {
    s.profiles[ID] = { type: 'api_key', provider: 'anthropic', key: 'sk-ant-api03-fleet' };
    return { store: s, result: undefined };
  });
  return { a, b };
}

const cooldownOf = (r: { ok: boolean; store?: Store }) => (r.ok ? r.store?.usageStats?.[ID]?.cooldownUntil : undefined);

test.serial('a cooldown written on host A is seen by host B within 1 s; fresh reads come from memory', async (t) => {
  const f = await fleet(t);
  if (!f) return;
  // Once the seeding write's own notification has arrived, B's copy is current and served from memory.
  const first = await eventually(async () => {
    const r = await f.b.read(agent);
    return (await f.b.read(agent)) === r ? r : null;
  }, 5_000);
  t.is(await f.b.read(agent), first, 'a fresh cache answers without a database round trip');
  const started = Date.now();
  await f.a.update(agent, (s) => {
    s.usageStats = { [ID]: { cooldownUntil: 4_102_444_800_000, errorCount: 1 } };
    return { store: s, result: undefined };
  });
  // The timing includes the test's own looking (poll interval, up to two reads by B): a few ms on
  // a quiet machine, hundreds on a loaded one, so it is measured and added to the 1 s limit.
  const POLL_MS = 20;
  let slowestRead = 0;
  await eventually(
    async () => {
      const at = Date.now();
      const cooldown = cooldownOf(await f.b.read(agent));
      slowestRead = Math.max(slowestRead, Date.now() - at);
      return cooldown === 4_102_444_800_000;
    },
    5_000,
    'B to see the cooldown',
    POLL_MS,
  );
  const elapsed = Date.now() - started;
  const limit = 1_000 + POLL_MS + 2 * slowestRead;
  t.true(elapsed < limit, `seen after ${elapsed} ms (limit ${limit} ms: 1 s + looking)`);
  t.true(f.b.health().ok);
});

test.serial(
  'PostgreSQL stopped: serve the last read for staleAfter, write nothing, report degraded; recover without a restart',
  async (t) => {
    const clock = { now: Date.now() };
    const f = await fleet(t, clock);
    if (!f) return;
    const before = await f.b.read(agent);
    t.true(before.ok);
    const cluster = await pgs.cluster();
    cluster.stop();
    try {
      await eventually(async () => !f.b.health().ok, 10_000);
      t.regex(f.b.health().reason ?? '', /PostgreSQL|notifications/);
      clock.now += 14 * 60_000;
      const served = await f.b.read(agent);
      t.true(served.ok && served.store.profiles[ID] !== undefined, 'the last credentials keep being served');
      await t.throwsAsync(
        f.b.update(agent, (s) => ({ store: s, result: 0 })),
        { instanceOf: StoreUnavailableError, message: /nothing was written/ },
      );
      clock.now += 2 * 60_000;
      const expired = await f.b.read(agent);
      t.like(expired, { ok: false, reason: 'unreadable' });
      t.regex(expired.ok ? '' : expired.detail, /staleAfter/);
    } finally {
      cluster.start();
    }
    await eventually(async () => f.b.health().ok, 20_000);
    await f.b.listening();
    await f.a.update(agent, (s) => {
      s.usageStats = { [ID]: { cooldownUntil: 5, errorCount: 1 } };
      return { store: s, result: undefined };
    });
    await eventually(async () => cooldownOf(await f.b.read(agent)) === 5, 5_000);
    t.pass();
  },
);

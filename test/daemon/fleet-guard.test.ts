/**
 * The monitor's guard around the fleet store while PostgreSQL cannot be reached (a port
 * nothing listens on; no database needed): reads fail as data naming the database, writes
 * and refresh locks are refused, and within the back-off window the database is not tried.
 */
import test from 'ava';
import { guardedBackend } from '../../src/daemon/fleet-guard.js';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool, StoreUnavailableError } from '../../src/store/backends/postgres/connect.js';
import { freePort } from '../helpers/net.js';

const agent = { id: 'main', storePath: '' };

test('unreachable: reads fail naming it, writes are refused, no attempt inside the back-off window', async (t) => {
  const pool = createPool(`postgres://aipro:pw@127.0.0.1:${await freePort()}/aipro`);
  t.teardown(() => pool.end());
  let attempts = 0;
  const inner = postgresBackend(pool, 'aipro', null);
  const counted = {
    ...inner,
    fetch: (a: typeof agent) => {
      attempts++;
      return inner.fetch(a);
    },
  };
  const clock = { now: 1_000_000 };
  const g = guardedBackend(counted, { backoff: { minMs: 1_000, maxMs: 4_000 }, now: () => clock.now });
  t.is(g.unavailable(), null);

  const read = await g.backend.read(agent);
  t.false(read.ok);
  t.regex(
    read.ok ? '' : read.detail,
    /PostgreSQL is unreachable \(ECONNREFUSED.*nothing is written; run `aipro doctor`/,
  );
  t.regex(g.unavailable() ?? '', /PostgreSQL is unreachable/);
  t.is(attempts, 1);

  // Inside the window: failed at once, the database is not tried.
  t.false((await g.backend.read(agent)).ok);
  await t.throwsAsync(
    g.backend.update(agent, (s) => ({ store: s, result: undefined })),
    { instanceOf: StoreUnavailableError, message: /unreachable/ },
  );
  await t.throwsAsync(
    g.backend.withRefreshLock(agent, 'anthropic:work', async () => t.fail('never runs')),
    { instanceOf: StoreUnavailableError },
  );
  t.is(attempts, 1);

  // After the window: tried again; the window doubles.
  clock.now += 1_000;
  t.false((await g.backend.read(agent)).ok);
  t.is(attempts, 2);
  clock.now += 1_000;
  t.false((await g.backend.read(agent)).ok);
  t.is(attempts, 2, 'the second window is 2 s');
  clock.now += 1_000;
  t.false((await g.backend.read(agent)).ok);
  t.is(attempts, 3);
});

/** One alerting leader per fleet (advisory lock); a SIGKILLed leader is replaced within one cycle. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createPool } from '../../../src/store/backends/postgres/connect.js';
import { currentLeader, fleetLeader } from '../../../src/store/backends/postgres/leader.js';
import { eventually } from '../../helpers/wait.js';
import { usePostgres } from '../../helpers/postgres.js';
import { workerArgs } from '../../helpers/child.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());
const WORKER = fileURLToPath(new URL('../fixtures/fleet-leader-worker.ts', import.meta.url));

test('exactly one of three hosts leads; a SIGKILLed leader is replaced within one cycle', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const child = spawn(process.execPath, [...workerArgs(WORKER), url, 'host-1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await eventually(async () => out.includes('leader'), 60_000, 'host-1 to lead');

  const others = ['host-2', 'host-3'].map((host) => fleetLeader({ url, schema: 'aipro', host, retryMs: 200 }));
  const pool = createPool(url);
  t.teardown(async () => {
    await Promise.all(others.map((l) => l.close()));
    await pool.end();
  });
  await Promise.all(others.map((l) => l.check()));
  t.deepEqual(
    others.map((l) => l.isLeader()),
    [false, false],
  );
  t.is(await currentLeader(pool, 'aipro'), 'host-1');

  child.kill('SIGKILL');
  const killedAt = Date.now();
  await eventually(async () => others.some((l) => l.isLeader()), 10_000, 'a new leader');
  const took = Date.now() - killedAt;
  t.is(others.filter((l) => l.isLeader()).length, 1, 'never two leaders');
  const now = others.find((l) => l.isLeader())?.host;
  t.is(await currentLeader(pool, 'aipro'), now ?? null);
  t.true(took < 5_000, `replaced after ${took} ms (cycle 200 ms)`);
});

test('a leader whose session is cut stops leading; it leads again once it holds the lock anew', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const pool = createPool(url);
  const l = fleetLeader({ url, schema: 'cut', host: 'solo', retryMs: 100_000 });
  t.teardown(async () => {
    await l.close();
    await pool.end();
  });
  t.true(await l.check());
  // pg_stat_activity spans the cluster, which other test files share: cut only this database's session.
  await pool.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'aipro-leader:solo' ` +
      'AND datname = current_database()',
  );
  await eventually(async () => !l.isLeader(), 10_000, 'leadership to drop');
  t.true(await l.check());
  t.is(await currentLeader(pool, 'cut'), 'solo');
});

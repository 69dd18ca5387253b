/**
 * One alerting leader across a fleet of real `aipro monitor` daemons (separate state dirs and
 * AIPRO_HOST_IDs, one PostgreSQL): the leader is SIGKILLed while it delivers an alert, another
 * host leads by its next expiry cycle, and every alert reaches the receiver exactly once (the
 * one cut off mid-delivery is finished by the new leader under the same idempotency key).
 */
import test from 'ava';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { eventually } from '../helpers/wait.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver, type ReceivedRequest } from '../helpers/webhook-receiver.js';
import { agent, expiredToken, fleetConfig, seedFleet } from './fleet-helpers.js';
import { spawnMonitor, type SpawnedMonitor } from './spawn.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

/** Every 2 s: a short cycle, pinned (a default `* * * * *` would add minute-boundary cycles). */
const CYCLE = '*/2 * * * * *';
const LONG = 90_000;

const profileOf = (r: ReceivedRequest) => (r.json as { profile?: string } | undefined)?.profile;
const keyOf = (r: ReceivedRequest) => String(r.headers['idempotency-key']);
const expiryDone = (m: SpawnedMonitor, from = 0) =>
  m.events.slice(from).filter((e) => e.event === 'monitor.done' && e.monitor === 'expiry').length;

test('SIGKILL the leader mid-delivery: another host leads within one cycle; one notification per alert', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const now = Date.now();
  await seedFleet(url, { 'anthropic:x': expiredToken(now, 'sk-ant-oat01-fleet-x') });
  const rx = await startWebhookReceiver();
  t.teardown(() => rx.close());
  const spawnHost = (id: string) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    home.writeConfig(
      fleetConfig(CYCLE, {
        alerts: { channels: { hook: { type: 'webhook', url: `${rx.url}/aipro`, format: 'aipro' } } },
      }),
    );
    const m = spawnMonitor({ ...home.env, AIPRO_STORE_POSTGRES_URL: url, AIPRO_HOST_ID: id });
    t.teardown(() => m.kill());
    return m;
  };

  const h1 = spawnHost('h1');
  await h1.waitFor((e) => e.event === 'fleet.leading', LONG, 'h1 to lead');
  await eventually(async () => rx.accepted().some((r) => profileOf(r) === 'anthropic:x'), LONG, 'alert x');
  const followers = [spawnHost('h2'), spawnHost('h3')];
  for (const f of followers) await f.waitFor((e) => e.event === 'monitor.ready', LONG, 'a follower ready');
  // A follower runs expiry cycles (it exports the fleet's credentials) but never leads while h1 does.
  await eventually(async () => followers.every((f) => expiryDone(f) >= 2), LONG, 'two follower cycles');
  for (const f of followers) {
    const metrics = await (await fetch(await f.url('/metrics'))).text();
    t.regex(metrics, /aipro_fleet_leader\{host="h[23]"\} 0/);
    t.true(metrics.includes('profile="anthropic:x"'), 'every host exports the fleet credentials');
  }

  // A new alert whose delivery hangs: h1 is killed while it waits for the receiver.
  rx.hang = true;
  const pool = createPool(url);
  t.teardown(() => pool.end());
  await postgresBackend(pool, 'aipro', null).update(agent, (s) => {
    s.profiles['anthropic:y'] = expiredToken(now, 'sk-ant-oat01-fleet-y');
    return { store: s, result: undefined };
  });
  await eventually(async () => rx.requests.some((r) => profileOf(r) === 'anthropic:y'), LONG, 'h1 sending y');
  const marks = followers.map((f) => f.events.length);
  const killedAt = Date.now();
  h1.child.kill('SIGKILL');
  // Recorded as they arrived, never answered: h1 died waiting for the answer.
  const cut = rx.requests.filter((r) => profileOf(r) === 'anthropic:y');
  await h1.exited;
  rx.hang = false;

  const leader = await Promise.any(
    followers.map((f) => f.waitFor((e) => e.event === 'fleet.leading', LONG, 'a new leader').then(() => f)),
  );
  t.log(`new leader after ${Date.now() - killedAt} ms (cycle 2 s)`);
  const i = followers.indexOf(leader);
  const before = leader.events.slice(marks[i]).findIndex((e) => e.event === 'fleet.leading');
  // At most the cycle that was running at the kill, then one full cycle, end before it leads.
  t.true(
    expiryDone({ ...leader, events: leader.events.slice(marks[i], (marks[i] ?? 0) + before) }) <= 2,
    'it leads by the end of its first full expiry cycle after the kill',
  );

  const answered = () => rx.accepted().filter((r) => !cut.includes(r));
  await eventually(async () => answered().some((r) => profileOf(r) === 'anthropic:y'), LONG, 'y finished');
  // Two more cycles of the new leader: time for any duplicate to show.
  const seen = expiryDone(leader);
  await eventually(async () => expiryDone(leader) >= seen + 2, LONG, 'two more leader cycles');

  t.is(followers.filter((f) => f.events.some((e) => e.event === 'fleet.leading')).length, 1, 'one new leader');
  const accepted = answered();
  t.deepEqual(accepted.map(profileOf).sort(), ['anthropic:x', 'anthropic:y'], 'exactly one notification per alert');
  t.is(rx.requests.filter((r) => profileOf(r) === 'anthropic:x').length, 1, 'x is never sent again');
  const ys = rx.requests.filter((r) => profileOf(r) === 'anthropic:y');
  t.is(new Set(ys.map(keyOf)).size, 1, 'the cut-off delivery is finished under its idempotency key');
  for (const r of accepted) t.is((r.json as { host?: string }).host, 'test-fleet', 'alerts name the fleet');
  const metrics = await (await fetch(await leader.url('/metrics'))).text();
  t.regex(metrics, /aipro_fleet_leader\{host="h[23]"\} 1/);
});

/**
 * The monitor on the fleet store (real PostgreSQL, in-process daemon and `--once`): metrics
 * come from the database; with PostgreSQL stopped the monitor degrades (store_ok 0, /readyz
 * 503 naming the database, last good series kept, no leader) and recovers without a restart;
 * only the leader refreshes and alerts; a schema behind is named with its fix; the alert
 * state lives in the database, so a second host continues an episode instead of re-sending it.
 */
import test from 'ava';
import { MONITORS } from '../../monitors/index.js';
import { runAlerts } from '../../src/alerts/run.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { pgAlertStateStore } from '../../src/daemon/fleet-alerts.js';
import { runOnce } from '../../src/daemon/once.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { fleetLeader } from '../../src/store/backends/postgres/leader.js';
import { D, T0, tokenObs } from '../alerts/obs.js';
import { runCli } from '../helpers/cli.js';
import { defaultConfig } from '../helpers/config.js';
import { captureLog } from '../helpers/log.js';
import { eventually } from '../helpers/wait.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { expiredToken, fleetConfig, NEVER, seedFleet } from './fleet-helpers.js';

const pgs = usePostgres({ private: true });
test.after.always(() => pgs.stop());

const { expiry, store, refresh } = MONITORS as Required<typeof MONITORS>;

function host(t: import('ava').ExecutionContext, url: string, id: string, config = fleetConfig(NEVER)) {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  home.writeConfig(config);
  return { ...home.env, AIPRO_STORE_POSTGRES_URL: url, AIPRO_HOST_ID: id };
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
};

test.serial(
  'PostgreSQL stopped: store_ok 0, /readyz 503 naming it, last series kept, no leader; back: recovered',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    await seedFleet(url, { 'anthropic:work': expiredToken(Date.now() + 30 * D, 'sk-ant-oat01-fleet-monitor') });
    const daemon = await startDaemon({
      logFormat: 'json',
      listen: '127.0.0.1:0',
      monitors: { expiry, store },
      processEnv: host(t, url, 'h1'),
      write: () => undefined,
      signals: false,
      runAlerts: null,
    });
    t.teardown(() => daemon.stop('teardown').then(() => undefined));
    const at = (p: string) => `http://127.0.0.1:${daemon.address.port}${p}`;
    await daemon.ready;
    t.is((await get(at('/readyz'))).status, 200);
    const before = await eventually(
      async () => {
        const m = (await get(at('/metrics'))).body;
        return m.includes('aipro_fleet_leader{host="h1"} 1') ? m : null;
      },
      20_000,
      'h1 to lead',
    );
    t.true(before.includes('aipro_auth_store_ok{agent="main"} 1'));
    t.true(before.includes('profile="anthropic:work"'), 'the credential from the database is exported');

    const cluster = await pgs.cluster();
    cluster.stop();
    let stopped = true;
    t.teardown(() => (stopped ? cluster.start() : undefined));
    const down = await eventually(
      async () => {
        daemon.reload();
        const r = await get(at('/readyz'));
        return r.status === 503 && r.body.includes('PostgreSQL is unreachable') ? r : null;
      },
      30_000,
      '/readyz to say the database is away',
    );
    t.regex(down.body, /fleet store unavailable/);
    // The leader's session ends with the server; the metric follows when its client sees that.
    const m = await eventually(async () => {
      const body = (await get(at('/metrics'))).body;
      return body.includes('aipro_fleet_leader{host="h1"} 0') ? body : null;
    }, 30_000);
    t.true(m.includes('aipro_auth_store_ok{agent="main"} 0'), m);
    t.true(m.includes('profile="anthropic:work"'), 'the last good series are kept');
    t.true(m.includes('aipro_fleet_leader{host="h1"} 0'), 'a host without its session does not lead');
    t.false(m.includes('sk-ant-oat01-fleet-monitor'));

    cluster.start();
    stopped = false;
    await eventually(
      async () => {
        daemon.reload();
        return (await get(at('/readyz'))).status === 200;
      },
      60_000,
      'recovery without a restart',
    );
    await eventually(async () => {
      const again = (await get(at('/metrics'))).body;
      return again.includes('aipro_auth_store_ok{agent="main"} 1') && again.includes('aipro_fleet_leader{host="h1"} 1');
    }, 30_000);
    t.pass();
  },
);

test.serial(
  '--once: a follower exports metrics only; the leader refreshes and alerts under the fleet name',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    await seedFleet(url, { 'anthropic:work': expiredToken(Date.now(), 'sk-ant-oat01-fleet-once') });
    const env = host(t, url, 'h2');
    const other = fleetLeader({ url, schema: 'aipro', host: 'h-other', retryMs: 60_000 });
    t.teardown(() => other.close());
    t.true(await other.check());
    const fleets: (string | undefined)[] = [];
    const spy: typeof runAlerts = async (input) => {
      fleets.push(input.fleet?.name);
      return { sent: 0, pending: 0 };
    };
    let text = '';
    const once = () =>
      runOnce({
        logFormat: 'json',
        monitors: { expiry, refresh },
        processEnv: env,
        write: () => undefined,
        out: (s) => (text = s),
        runAlerts: spy,
      });
    const follower = await once();
    t.deepEqual(follower.fleet, { host: 'h2', leader: false });
    t.deepEqual(
      follower.outcomes.map((o) => `${o.monitor}:${o.status}`),
      ['refresh:skipped', 'expiry:ok'],
    );
    t.deepEqual(fleets, [], 'a follower sends nothing');
    t.is(follower.exitCode, 1, 'the expired token still fails the check on every host');
    t.regex(text, /another host leads/);

    await other.close();
    const leader = await once();
    t.deepEqual(leader.fleet, { host: 'h2', leader: true });
    t.deepEqual(
      leader.outcomes.map((o) => `${o.monitor}:${o.status}`),
      ['refresh:ok', 'expiry:ok'],
    );
    t.deepEqual(fleets, ['test-fleet']);
    t.regex(text, /fleet: h2 leads/);
  },
);

test.serial(
  '--once on a schema behind: exit 1, the store reads as unreadable and names `aipro store migrate`',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    let text = '';
    const r = await runOnce({
      logFormat: 'json',
      monitors: { expiry },
      processEnv: host(t, url, 'h3'),
      write: () => undefined,
      out: (s) => (text = s),
      runAlerts: null,
    });
    t.is(r.exitCode, 1);
    t.regex(text, /schema "aipro" does not exist yet: run `aipro store migrate`/);
  },
);

test.serial('the fleet alert state: a second host continues the episode instead of sending it again', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await seedFleet(url, {});
  const rx = await startWebhookReceiver();
  t.teardown(() => rx.close());
  const config = defaultConfig({
    alerts: { hostname: 'gw1', channels: { hook: { type: 'webhook', url: `${rx.url}/aipro` } } as never },
  });
  const cycle = async (now: number) => {
    const pool = createPool(url);
    try {
      return await runAlerts({
        config,
        env: {},
        observations: [tokenObs(T0 - 1, now)],
        now,
        log: captureLog(),
        cycleIntervalMs: 60_000,
        fleet: { state: pgAlertStateStore(pool, 'aipro', 'test-fleet'), name: 'test-fleet' },
      });
    } finally {
      await pool.end();
    }
  };
  t.deepEqual(await cycle(T0), { sent: 1, pending: 0 });
  t.deepEqual(await cycle(T0 + 60_000), { sent: 0, pending: 0 }, 'another host, same episode: nothing re-sent');
  t.is(rx.accepted().length, 1);
  t.is((rx.accepted()[0]?.json as { host?: string } | undefined)?.host, 'test-fleet', 'the alert names the fleet');
});

test.serial('`aipro alerts silence` and `status` work on the fleet state the leader reads', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await seedFleet(url, {});
  const rx = await startWebhookReceiver();
  t.teardown(() => rx.close());
  const env = host(t, url, 'h4');
  const silence = await runCli(['alerts', 'silence', 'anthropic:work', '--for', '2d'], { env, timeoutMs: 60_000 });
  t.is(silence.code, 0, silence.stderr);
  const status = await runCli(['alerts', 'status', '--json'], { env, timeoutMs: 60_000 });
  t.is(status.code, 0, status.stderr);
  const doc = JSON.parse(status.stdout) as { statePath: string; host: string; silences: { profile: string }[] };
  t.is(doc.statePath, 'postgres:aipro/alert_state/test-fleet');
  t.is(doc.host, 'test-fleet');
  t.deepEqual(
    doc.silences.map((s) => s.profile),
    ['anthropic:work'],
  );

  const pool = createPool(url);
  t.teardown(() => pool.end());
  const config = defaultConfig({
    alerts: { channels: { hook: { type: 'webhook', url: `${rx.url}/aipro` } } as never },
  });
  const now = Date.now();
  const r = await runAlerts({
    config,
    env: {},
    observations: [tokenObs(now - 1, now)],
    now,
    log: captureLog(),
    cycleIntervalMs: 60_000,
    fleet: { state: pgAlertStateStore(pool, 'aipro', 'test-fleet'), name: 'test-fleet' },
  });
  t.deepEqual(r, { sent: 0, pending: 0 }, 'the leader honours a silence set from any host');
  t.is(rx.requests.length, 0);
});

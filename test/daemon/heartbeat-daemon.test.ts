/**
 * The dead-man's switch wired into the daemon and `--once`, against a real receiver
 * (express on port 0). Daemon cycles are driven by the startup cycle and reload() (each runs
 * one expiry cycle), never by waiting for the clock.
 */
import test from 'ava';
import type { Monitor, Observation } from '../../monitors/types.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runOnce } from '../../src/daemon/once.js';
import { freePort } from '../helpers/net.js';
import { needBinary, promtool } from '../helpers/prometheus.js';
import { eventually } from '../helpers/wait.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = '0b7e4d2a-91c3-4f6e-8a5d-daemon-canary';
const cred: Observation = {
  kind: 'credential',
  agent: 'main',
  provider: 'anthropic',
  profile: 'anthropic:a',
  type: 'api_key',
  source: 'profile',
  status: 'static',
  detail: 'API key',
};

async function setup(t: import('ava').ExecutionContext, heartbeat: Record<string, unknown> = {}) {
  const rx = await startWebhookReceiver();
  const home = tempHome();
  t.teardown(async () => {
    await rx.close();
    home.cleanup();
  });
  // The config's expiry schedule wins over the monitor's own default (and defaults to every
  // minute): pin it to once a year, so only the test's reloads start cycles, never a minute
  // boundary crossed mid-test.
  home.writeConfig({
    monitor: {
      schedules: { expiry: '0 0 1 1 *' },
      heartbeat: { url: `${rx.url}/ping/${TOKEN}`, failUrl: `${rx.url}/ping/${TOKEN}/fail`, ...heartbeat },
    },
  });
  return { rx, home };
}

async function daemon(
  t: import('ava').ExecutionContext,
  home: TempHome,
  expiry: Monitor,
): Promise<{ d: Daemon; lines: string[]; metrics: () => Promise<string> }> {
  const lines: string[] = [];
  const d = await startDaemon({
    logFormat: 'json',
    listen: '127.0.0.1:0',
    monitors: { expiry },
    processEnv: home.env,
    write: (l) => lines.push(l),
    signals: false,
    runAlerts: null,
  });
  t.teardown(() => d.stop('test teardown'));
  return { d, lines, metrics: () => d.metrics.registry.metrics() };
}

test(
  'daemon: one ping per expiry cycle; a stopped monitor stops them; counted ok from a pre-initialised ' + '0',
  async (t) => {
    const { rx, home } = await setup(t);
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    let runs = 0;
    const expiry: Monitor = {
      name: 'expiry',
      defaultSchedule: '0 0 1 1 *',
      run: async () => (++runs === 1 && (await first), [cred]),
    };
    const { d, lines, metrics } = await daemon(t, home, expiry);
    t.regex(await metrics(), /aipro_heartbeat_total\{result="ok"\} 0/, 'the series exists before the first ping');
    release();
    await d.ready;
    await eventually(async () => rx.requests.length === 1, 10_000, 'the startup ping');
    t.true(d.reload());
    await eventually(async () => rx.requests.length === 2, 10_000, 'the ping of the reload cycle');
    t.true(d.reload());
    await eventually(async () => rx.requests.length === 3, 10_000, 'a third ping');
    t.true(rx.requests.every((r) => r.method === 'GET' && r.path === `/ping/${TOKEN}`));
    // The receiver records a ping before it answers; the counter moves when the answer is in.
    await eventually(
      async () => /aipro_heartbeat_total\{result="ok"\} 3/.test(await metrics()),
      10_000,
      'ok counted 3 times',
    );
    const bin = needBinary(t, 'promtool');
    if (bin) {
      const lint = await promtool(bin, ['check', 'metrics'], await metrics());
      t.is(lint.code, 0, lint.stdout + lint.stderr);
    }
    t.is(await d.stop('SIGTERM'), 0);
    d.reload();
    await new Promise((r) => setImmediate(r));
    t.is(runs, 3, 'no cycle after stop');
    t.is(rx.requests.length, 3, 'no ping after stop');
    t.false(lines.join('\n').includes(TOKEN), 'the ping URL token is never logged');
  },
);

test('daemon: a failed expiry cycle POSTs its reason to failUrl', async (t) => {
  const { rx, home } = await setup(t);
  const expiry: Monitor = {
    name: 'expiry',
    defaultSchedule: '0 0 1 1 *',
    run: async () => {
      throw new Error(`disk on fire ${TOKEN}`);
    },
  };
  const { d, metrics } = await daemon(t, home, expiry);
  await d.ready;
  const got = await eventually(async () => rx.requests[0], 10_000, 'the fail ping');
  t.is(got.method, 'POST');
  t.is(got.path, `/ping/${TOKEN}/fail`);
  t.regex(got.raw, /the expiry monitor failed \(exception\)/);
  t.false(got.raw.includes('disk on fire'), 'free-text error details stay out of the body');
  await eventually(
    async () => /aipro_heartbeat_total\{result="fail_sent"\} 1/.test(await metrics()),
    10_000,
    'fail_sent counted',
  );
});

test('daemon: a hung receiver never holds up a cycle; the ping ends as an error at its timeout', async (t) => {
  const { rx, home } = await setup(t, { timeoutMs: 60_000 });
  rx.hang = true;
  let runs = 0;
  const expiry: Monitor = { name: 'expiry', defaultSchedule: '0 0 1 1 *', run: async () => (runs++, [cred]) };
  const { d, lines } = await daemon(t, home, expiry);
  await d.ready;
  await eventually(async () => rx.requests.length === 1, 10_000, 'the hung ping to arrive');
  // The ping waits up to 60 s; the next cycles run and finish meanwhile.
  const done = () => lines.filter((l) => l.includes('"monitor.done"')).length;
  t.true(d.reload());
  await eventually(async () => done() === 2, 10_000, 'the second cycle');
  t.true(d.reload());
  await eventually(async () => done() === 3, 10_000, 'the third cycle');
  t.is(runs, 3);
  t.false(
    lines.some((l) => l.includes('"heartbeat.')),
    'no ping has finished: none was awaited by a cycle',
  );
  // The receiver goes away: the held pings end (one retry, refused) as counted errors.
  await rx.close();
  await eventually(
    async () => /aipro_heartbeat_total\{result="error"\} 3/.test(await d.metrics.registry.metrics()),
    10_000,
    'three errors',
  );
});

test('--once: pings url after a run, failUrl (with the reason) when a store cannot be read', async (t) => {
  const { rx, home } = await setup(t);
  const dead = `http://127.0.0.1:${await freePort()}`;
  const config = {
    models: { providers: { anthropic: { baseUrl: dead } } },
    monitor: { heartbeat: { url: `${rx.url}/ping/${TOKEN}`, failUrl: `${rx.url}/ping/${TOKEN}/fail` } },
  };
  home.writeConfig(config);
  home.writeStore({
    version: 1,
    profiles: {
      'anthropic:default': {
        type: 'api_key',
        provider: 'anthropic',
        key: 'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      },
    },
  });
  const out: string[] = [];
  const r1 = await runOnce({
    logFormat: 'json',
    processEnv: home.env,
    write: () => undefined,
    out: (s) => out.push(s),
    runAlerts: null,
  });
  t.is(r1.heartbeat, 'ok');
  t.deepEqual(
    rx.requests.map((r) => `${r.method} ${r.path}`),
    [`GET /ping/${TOKEN}`],
  );
  t.regex(out.join(''), /heartbeat: ok/);
  home.writeStore('{ not json');
  const r2 = await runOnce({
    logFormat: 'json',
    processEnv: home.env,
    write: () => undefined,
    out: () => undefined,
    runAlerts: null,
  });
  t.is(r2.exitCode, 1);
  t.is(r2.heartbeat, 'fail_sent');
  t.is(rx.requests[1]?.path, `/ping/${TOKEN}/fail`);
  t.regex(rx.requests[1]?.raw ?? '', /auth store unreadable: main \(parse\); run aipro doctor/);
});

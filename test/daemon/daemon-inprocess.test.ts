/**
 * The daemon in-process with test monitors (implementations of the Monitor interface):
 * readiness, isolation of a failing monitor, overlap skips, graceful stop, reload.
 * Real HTTP server, real node-cron, temp HOME.
 */
import test from 'ava';
import { serve } from '../helpers/net.js';
import { MONITORS } from '../../monitors/index.js';
import type { Monitor, Observation } from '../../monitors/types.js';
import { CliError } from '../../src/errors.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { eventually } from '../helpers/wait.js';
import { joinRe } from '../helpers/re.js';

// The registered monitors, with their default schedules (the registry adds them).
const { expiry: expiryMonitor, store: storeMonitor } = MONITORS as Required<typeof MONITORS>;

interface Harness {
  home: TempHome;
  lines: () => { event: string; [k: string]: unknown }[];
  daemon: Daemon;
  url: (p: string) => string;
}

async function start(
  t: import('ava').ExecutionContext,
  monitors: Partial<Record<string, Monitor>>,
  config: unknown = {},
  prepare?: (home: TempHome) => void,
): Promise<Harness> {
  const home = tempHome();
  home.writeConfig(config);
  prepare?.(home);
  const raw: string[] = [];
  const daemon = await startDaemon({
    logFormat: 'json',
    listen: '127.0.0.1:0',
    monitors,
    processEnv: home.env,
    write: (l) => raw.push(l),
    signals: false,
    runAlerts: null,
  });
  t.teardown(async () => {
    await daemon.stop('test teardown');
    home.cleanup();
  });
  return {
    home,
    daemon,
    lines: () => raw.map((l) => JSON.parse(l)),
    url: (p) => `http://127.0.0.1:${daemon.address.port}${p}`,
  };
}

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

const cred = (profile: string): Observation => ({
  kind: 'credential',
  agent: 'main',
  provider: 'anthropic',
  profile,
  type: 'api_key',
  source: 'profile',
  status: 'static',
  detail: 'API key (no expiry)',
});

test('/readyz is 503 until the first expiry cycle is done; /healthz and /metrics answer meanwhile', async (t) => {
  const g = gate();
  const expiry: Monitor = {
    name: 'expiry',
    defaultSchedule: '0 0 1 1 *',
    run: async () => (await g.p, [cred('anthropic:a')]),
  };
  const h = await start(t, { expiry });
  const r1 = await fetch(h.url('/readyz'));
  t.is(r1.status, 503);
  t.regex(await r1.text(), /first expiry cycle/);
  t.is((await fetch(h.url('/healthz'))).status, 200);
  const m = await fetch(h.url('/metrics'));
  t.is(m.status, 200);
  t.regex(await m.text(), /aipro_build_info/);
  g.open();
  await h.daemon.ready;
  t.is((await fetch(h.url('/readyz'))).status, 200);
  t.regex(
    await (await fetch(h.url('/metrics'))).text(),
    joinRe(
      '',
      /aipro_auth_profile_info\{agent="main",provider="anthropic",/,
      /profile="anthropic:a",type="api_key",source="profile"\} 1/,
    ),
  );
  t.is((await fetch(h.url('/nope'))).status, 404);
  t.is((await fetch(h.url('/metrics'), { method: 'POST' })).status, 405);
});

test('a failing monitor never stops the others or /metrics; its errors are counted by reason', async (t) => {
  let expiryRuns = 0;
  const expiry: Monitor = {
    name: 'expiry',
    defaultSchedule: '* * * * * *',
    run: async () => (expiryRuns++, [cred('anthropic:a')]),
  };
  const store: Monitor = {
    name: 'store',
    defaultSchedule: '* * * * * *',
    run: async () => {
      throw new Error('disk on fire');
    },
  };
  const h = await start(
    t,
    { expiry, store },
    { monitor: { schedules: { expiry: '* * * * * *', store: '* * * * * *' } } },
  );
  await eventually(
    async () =>
      h.lines().filter((l) => l.event === 'monitor.failed' && l.monitor === 'store').length >= 2 && expiryRuns >= 3,
    15_000,
    'two store failures and three expiry runs',
  );
  const text = await (await fetch(h.url('/metrics'))).text();
  t.regex(text, /aipro_monitor_errors_total\{monitor="store",reason="exception"\} [2-9]/);
  t.regex(text, /aipro_monitor_last_success_timestamp_seconds\{monitor="expiry"\} \d/);
  t.notRegex(text, /aipro_monitor_last_success_timestamp_seconds\{monitor="store"\}/);
  const failed = h.lines().find((l) => l.event === 'monitor.failed');
  t.is(failed?.error, 'disk on fire');
  t.is(failed?.reason, 'exception');
});

test('a monitor never overlaps itself: a tick during a slow run is skipped, logged and counted', async (t) => {
  let running = 0;
  let maxRunning = 0;
  const validity: Monitor = {
    name: 'validity',
    defaultSchedule: '* * * * * *',
    run: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 2500));
      running--;
      return [];
    },
  };
  const expiry: Monitor = { name: 'expiry', defaultSchedule: '0 0 1 1 *', run: async () => [] };
  const h = await start(t, { expiry, validity }, { monitor: { schedules: { validity: '* * * * * *' } } });
  const skipped = await eventually(
    async () => h.lines().find((l) => l.event === 'monitor.skipped' && l.monitor === 'validity'),
    15_000,
    'a skipped tick',
  );
  t.is(skipped.reason, 'overlap');
  t.is(maxRunning, 1);
  t.regex(
    await (await fetch(h.url('/metrics'))).text(),
    /aipro_monitor_errors_total\{monitor="validity",reason="overlap"\} [1-9]/,
  );
});

test('stop() lets the running cycle finish, then stops; nothing new starts', async (t) => {
  const g = gate();
  let runs = 0;
  const expiry: Monitor = {
    name: 'expiry',
    defaultSchedule: '* * * * * *',
    run: async () => (runs++, await g.p, [cred('anthropic:a')]),
  };
  const h = await start(t, { expiry });
  await eventually(async () => runs === 1, 15_000, 'first run');
  let stopped = false;
  const stopping = h.daemon.stop('SIGTERM').then((code) => ((stopped = true), code));
  await new Promise((r) => setTimeout(r, 1500));
  t.false(stopped);
  g.open();
  t.is(await stopping, 0);
  const events = h.lines().map((l) => l.event);
  t.true(events.indexOf('monitor.done') < events.indexOf('monitor.stopped'));
  t.is(runs, 1);
  await t.throwsAsync(fetch(h.url('/healthz')));
});

test('reload: a bad config is refused naming the key and the old one kept; a good one is applied', async (t) => {
  const expiry: Monitor = { name: 'expiry', defaultSchedule: '* * * * *', run: async () => [] };
  const h = await start(t, { expiry });
  await h.daemon.ready;
  h.home.writeConfig({ monitor: { schedules: { expiry: '61 * * * *' } } });
  t.false(h.daemon.reload());
  const refused = h.lines().find((l) => l.event === 'config.reload_refused');
  t.is(refused?.key, 'monitor.schedules.expiry');
  t.is((await fetch(h.url('/healthz'))).status, 200);
  h.home.writeConfig({ monitor: { schedulez: {} } });
  t.false(h.daemon.reload());
  t.is(
    h
      .lines()
      .filter((l) => l.event === 'config.reload_refused')
      .at(-1)?.key,
    'monitor.schedulez',
  );
  h.home.writeConfig({ monitor: { schedules: { expiry: '*/2 * * * *' } } });
  t.true(h.daemon.reload());
  t.regex(String(h.lines().find((l) => l.event === 'config.reloaded')?.schedules), /expiry=\*\/2 \* \* \* \*/);
});

test('a listen address in use refuses to start, naming the flag', async (t) => {
  const { port, close } = await serve();
  t.teardown(close);
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const err = await t.throwsAsync(
    startDaemon({
      logFormat: 'json',
      listen: `127.0.0.1:${port}`,
      monitors: {},
      processEnv: home.env,
      write: () => undefined,
      signals: false,
      runAlerts: null,
    }),
  );
  t.true(err instanceof CliError);
  t.regex(err?.message ?? '', /--listen: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
});

test(
  'an unreadable store: /readyz 503 with the reason, no run counts as a success, no "no credentials" ' + 'hint',
  async (t) => {
    const never = { schedules: { expiry: '0 0 1 1 *', store: '0 0 1 1 *' } };
    const h = await start(t, { expiry: expiryMonitor, store: storeMonitor }, { monitor: never }, (home) =>
      home.writeStore('{"version": 1, "profiles": {', 'main'),
    );
    await h.daemon.ready;
    await eventually(
      async () => h.lines().filter((l) => l.event === 'monitor.store_unreadable').length >= 2,
      15_000,
      'expiry and store runs to report the store',
    );
    const ready = await fetch(h.url('/readyz'));
    t.is(ready.status, 503);
    t.regex(
      await ready.text(),
      /not ready: auth store unreadable: agent main \(parse: .*auth-profiles\.json\); run `aipro doctor`/,
    );
    const text = await (await fetch(h.url('/metrics'))).text();
    t.regex(text, /aipro_auth_store_ok\{agent="main"\} 0/);
    t.regex(text, /aipro_auth_store_read_errors_total\{agent="main",reason="parse"\} [1-9]/);
    t.notRegex(text, /aipro_monitor_last_success_timestamp_seconds\{monitor="(expiry|store)"\}/);
    t.regex(text, /aipro_monitor_errors_total\{monitor="expiry",reason="store_unreadable"\} 1/);
    t.false(h.lines().some((l) => l.event === 'credentials.none'));
    t.is(h.lines().find((l) => l.event === 'monitor.store_unreadable')?.level, 'error');

    // Repaired: the next cycle reads it, and /readyz turns 200 again.
    h.home.writeStore({ version: 1, profiles: {} }, 'main');
    t.true(h.daemon.reload());
    await eventually(
      async () => (await fetch(h.url('/readyz'))).status === 200,
      15_000,
      '/readyz 200 after the repair',
    );
    t.regex(await (await fetch(h.url('/metrics'))).text(), /aipro_auth_store_ok\{agent="main"\} 1/);
  },
);

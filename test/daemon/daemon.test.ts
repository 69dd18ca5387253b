/**
 * The real `aipro monitor` daemon (built CLI, child process, temp HOME): defaults on a
 * fresh HOME, refusing bad config, SIGTERM during a running cycle, SIGHUP reloads, and
 * no secret in any output.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { eventually } from '../helpers/wait.js';
import { tempHome } from '../helpers/tmp.js';
import { CANARIES, findCanary, writeKnownStores } from '../exporters/known-store.js';
import { spawnMonitor } from './spawn.js';

/**
 * Exactly what `npm start` runs: package.json's "start" script (`node <entry> monitor`), resolved from the repo root.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts.start as string).split(/\s+/);
const NPM_START_ARGS = START.slice(1).map((a, i) => (i === 0 ? `${ROOT}${a}` : a));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

test(
  '`npm start` on a fresh HOME: listens on 127.0.0.1:18790, serves metrics, says how to add a credential, exits 0 ' +
    'on SIGTERM',
  async (t) => {
    if (!(await portFree(18790))) {
      t.log('SKIPPED: 127.0.0.1:18790 is in use on this machine (another aipro monitor?)');
      t.pass();
      return;
    }
    const home = tempHome();
    t.teardown(() => home.cleanup());
    // What `npm start` runs (package.json "start"), with no flags.
    const child = spawn(process.execPath, NPM_START_ARGS, {
      env: home.env,
      cwd: home.home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await eventually(async () => err.includes('monitor.ready'), 20_000, `monitor.ready in:\n${err}`);
    t.regex(err, /info monitor\.listening address=127\.0\.0\.1:18790/);
    t.regex(err, /warn credentials\.none .*aipro models auth add-key --provider anthropic.*aipro onboard/);
    t.is((await fetch('http://127.0.0.1:18790/healthz')).status, 200);
    t.is((await fetch('http://127.0.0.1:18790/readyz')).status, 200);
    const metrics = await (await fetch('http://127.0.0.1:18790/metrics')).text();
    t.regex(
      metrics,
      /aipro_auth_profile_status\{agent="main",provider="anthropic",profile="anthropic:none",status="missing"\} 1/,
    );
    child.kill('SIGTERM');
    t.is(await exited, 0);
    t.regex(err, /monitor\.stopped reason=SIGTERM/);
  },
);

for (const [name, config, key] of [
  ['a bad cron expression', { monitor: { schedules: { expiry: '61 * * * *' } } }, 'monitor.schedules.expiry'],
  ['a bad listen address', { monitor: { listen: 'localhost' } }, 'monitor.listen'],
  ['an unknown monitor', { monitor: { schedules: { bogus: '* * * * *' } } }, 'monitor.schedules.bogus'],
] as const) {
  test(`refuses to start on ${name}, naming ${key}, exit 1`, async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    home.writeConfig(config);
    const m = spawnMonitor(home.env, [], { listen: null });
    t.teardown(() => m.kill());
    const { code } = await m.exited;
    t.is(code, 1);
    t.true(m.output().includes(key), m.output());
    t.false(m.events.some((e) => e.event === 'monitor.listening'));
  });
}

test('SIGTERM during a running cycle (a slow live probe) waits for it, then exits 0', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const fake = await startFakeProvider('anthropic', { scenarios: { [CANARIES.apiKey]: 'slow' }, slowMs: 3000 });
  t.teardown(() => fake.close());
  home.writeConfig({
    models: { providers: { anthropic: { baseUrl: fake.url } } },
    monitor: { schedules: { validity: '* * * * * *' } },
  });
  home.writeStore({
    version: 1,
    profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARIES.apiKey } },
  });
  const m = spawnMonitor(home.env);
  t.teardown(() => m.kill());
  await m.waitFor((e) => e.event === 'monitor.ready');
  await eventually(async () => fake.requests.length >= 1, 15_000, 'the probe to reach the fake provider');
  const sentAt = Date.now();
  m.child.kill('SIGTERM');
  const { code } = await m.exited;
  t.is(code, 0, m.output());
  t.true(Date.now() - sentAt >= 1500, 'it waited for the slow probe');
  const events = m.events.map((e) => `${e.event}:${String(e.monitor ?? '')}`);
  const stopping = events.indexOf('monitor.stopping:');
  const validityDone = events.lastIndexOf('monitor.done:validity');
  const stopped = events.indexOf('monitor.stopped:');
  t.true(stopping >= 0 && validityDone > stopping && stopped > validityDone, events.join('\n'));
  t.is(findCanary(m.output()), null);
});

test('SIGHUP reloads: a bad config is refused naming the key (old kept); a good one is applied', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  home.writeConfig({});
  const m = spawnMonitor(home.env);
  t.teardown(() => m.kill());
  await m.waitFor((e) => e.event === 'monitor.ready');
  home.writeConfig({ monitor: { schedules: { store: 'every five minutes please' } } });
  m.child.kill('SIGHUP');
  const refused = await m.waitFor((e) => e.event === 'config.reload_refused');
  t.is(refused.key, 'monitor.schedules.store');
  t.is((await fetch(await m.url('/healthz'))).status, 200);
  home.writeConfig({ monitor: { schedules: { store: '*/7 * * * *' } } });
  m.child.kill('SIGHUP');
  const reloaded = await m.waitFor((e) => e.event === 'config.reloaded');
  t.regex(String(reloaded.schedules), /store=\*\/7 \* \* \* \*/);
  m.child.kill('SIGTERM');
  t.is((await m.exited).code, 0);
});

test('no secret appears in logs or /metrics (canaries in stores, env and usage stats)', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home, Date.now());
  home.writeConfig({ monitor: { schedules: { validity: '0 0 1 1 *', refresh: '0 0 1 1 *' } } });
  const m = spawnMonitor(env);
  t.teardown(() => m.kill());
  await m.waitFor((e) => e.event === 'monitor.ready');
  const metrics = await (await fetch(await m.url('/metrics'))).text();
  t.regex(metrics, /profile="anthropic:old",status="expired"\} 1/);
  m.child.kill('SIGTERM');
  await m.exited;
  t.is(findCanary(metrics), null);
  t.is(findCanary(m.output()), null);
});

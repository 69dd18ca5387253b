/**
 * `aipro monitor --once` as timers run it: the built CLI, a temp HOME, providers pointed
 * at a dead local port so the validity monitor never leaves the machine.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/net.js';
import { runCli } from '../helpers/cli.js';
import { findBinary, promtool } from '../helpers/prometheus.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { CANARIES, findCanary, mainStore, NOW } from '../exporters/known-store.js';

const H = 3_600_000;
const D = 24 * H;

async function homeWith(
  t: import('ava').ExecutionContext,
  profiles: Record<string, unknown>,
  extraConfig: Record<string, unknown> = {},
): Promise<TempHome> {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const dead = `http://127.0.0.1:${await freePort()}`;
  home.writeConfig({
    models: {
      providers: { anthropic: { baseUrl: dead }, openai: { baseUrl: dead }, 'openai-codex': { baseUrl: dead } },
    },
    ...extraConfig,
  });
  home.writeStore({ version: 1, profiles });
  return home;
}

const key = { type: 'api_key', provider: 'anthropic', key: CANARIES.apiKey };
const token = (expires: number) => ({ type: 'token', provider: 'anthropic', token: CANARIES.manual, expires });

test('--once exits 0 when every credential is fine, and prints a short summary', async (t) => {
  const home = await homeWith(t, { 'anthropic:default': key, 'anthropic:manual': token(Date.now() + 30 * D) });
  const r = await runCli(['monitor', '--once'], { env: home.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^aipro monitor --once: 2 credentials \(/);
  t.regex(r.stdout, /monitors: .*expiry ok/);
  t.regex(r.stdout, /exit 0: ok/);
  t.is(findCanary(r.stdout + r.stderr), null);
});

test('--once exits 2 when a credential is expiring', async (t) => {
  const home = await homeWith(t, { 'anthropic:default': key, 'anthropic:manual': token(Date.now() + 2 * H) });
  const r = await runCli(['monitor', '--once'], { env: home.env });
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(r.stdout, /expiring\s+main anthropic:manual: expires in/);
  t.regex(r.stdout, /fix: .*aipro models auth setup-token --provider anthropic/);
});

test('--once exits 1 when a credential has expired (expired beats expiring)', async (t) => {
  const home = await homeWith(t, {
    'anthropic:manual': token(Date.now() + 2 * H),
    'anthropic:old': { ...token(Date.now() - 2 * D), token: CANARIES.old },
  });
  const r = await runCli(['monitor', '--once', '--json'], { env: home.env });
  t.is(r.code, 1, r.stdout + r.stderr);
  const doc = JSON.parse(r.stdout);
  t.is(doc.exitCode, 1);
  t.deepEqual(doc.credentials.map((c: { profile: string; status: string }) => [c.profile, c.status]).sort(), [
    ['anthropic:manual', 'expiring'],
    ['anthropic:old', 'expired'],
  ]);
  t.true(doc.monitors.some((m: { name: string; status: string }) => m.name === 'expiry' && m.status === 'ok'));
  t.is(findCanary(r.stdout + r.stderr), null);
});

test('--once exits 1 when a store cannot be read (a check fails closed)', async (t) => {
  const home = await homeWith(t, {});
  home.writeStore('{"version": 1, "profiles": ');
  const r = await runCli(['monitor', '--once'], { env: home.env });
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /store parse/);
  t.regex(r.stdout, /aipro doctor/);
});

test(
  '--once writes the textfile atomically: aipro gauges only, no timestamps, mode 0644, no temp files ' + 'left',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const dead = `http://127.0.0.1:${await freePort()}`;
    const dir = join(home.home, 'textfile');
    const path = join(dir, 'aipro.prom');
    home.writeConfig({
      models: {
        providers: { anthropic: { baseUrl: dead }, openai: { baseUrl: dead }, 'openai-codex': { baseUrl: dead } },
      },
      monitor: { textfile: { path } },
    });
    home.writeStore(mainStore(Date.now()));
    const r = await runCli(['monitor', '--once'], { env: home.env });
    t.is(r.code, 1, r.stdout + r.stderr); // the known store has an expired token
    t.regex(r.stdout, new RegExp(`textfile: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ bytes\\)`));
    const text = readFileSync(path, 'utf8');
    t.is(statSync(path).mode & 0o777, 0o644);
    t.deepEqual(readdirSync(dir), ['aipro.prom']);
    t.regex(
      text,
      /^aipro_auth_profile_status\{agent="main",provider="anthropic",profile="anthropic:old",status="expired"\} 1$/m,
    );
    t.regex(text, /^aipro_monitor_last_success_timestamp_seconds\{monitor="expiry"\} \d+(\.\d+)?$/m);
    t.notRegex(text, /_total/);
    t.notRegex(text, /^process_/m);
    for (const line of text.split('\n'))
      if (line && !line.startsWith('#')) t.is(line.split(' ').length, 2, `a sample with a timestamp: ${line}`);
    t.is(findCanary(text + r.stdout + r.stderr), null);
    const bin = findBinary('promtool');
    if (bin) {
      const check = await promtool(bin, ['check', 'metrics'], text);
      t.is(check.code, 0, check.stdout + check.stderr);
    }
  },
);

test('--once reports a textfile it cannot write and exits 1', async (t) => {
  const path = join(tmpdir(), `aipro-no-such-dir-${process.pid}`, 'sub', 'aipro.prom');
  const home = await homeWith(t, { 'anthropic:default': key }, { monitor: { textfile: { path } } });
  const r = await runCli(['monitor', '--once'], { env: home.env });
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /textfile: FAILED: cannot write the textfile .*aipro\.prom \(ENOENT\)/);
  t.false(existsSync(join(tmpdir(), `aipro-no-such-dir-${process.pid}`)));
});

test('usage errors exit 64', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  t.is((await runCli(['monitor', '--log-format', 'xml'], { env: home.env })).code, 64);
  t.is((await runCli(['monitor', '--json'], { env: home.env })).code, 64);
  t.is((await runCli(['monitor', '--bogus'], { env: home.env })).code, 64);
  const bad = await runCli(['monitor', '--listen', 'not-an-address'], { env: home.env });
  t.is(bad.code, 64);
  t.regex(bad.stderr, /--listen/);
  const help = await runCli(['monitor', '--help'], { env: home.env });
  t.is(help.code, 0);
  t.regex(help.stdout, /Examples:/);
});

test('the known store fixture is stable (guards the other tests)', (t) => {
  t.is(mainStore(NOW).profiles['anthropic:old'].expires, NOW - 2 * D);
});

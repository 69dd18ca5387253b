/** `aipro config get|set|unset|validate|path`. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}
const file = (h: ReturnType<typeof tempHome>) => join(h.stateDir, 'aipro.json');
const raw = (h: ReturnType<typeof tempHome>) => JSON.parse(readFileSync(file(h), 'utf8'));

test('get prints the whole effective config (defaults) and single keys', async (t) => {
  const h = home(t);
  const all = await runCli(['config', 'get'], { env: h.env });
  t.is(all.code, 0);
  const doc = JSON.parse(all.stdout);
  t.is(doc.agents.default, 'main');
  t.is(doc.auth.warnHours, 24);
  t.is((await runCli(['config', 'get', 'agents.default'], { env: h.env })).stdout, 'main\n');
  t.is((await runCli(['config', 'get', 'agents.default', '--json'], { env: h.env })).stdout, '"main"\n');
  t.deepEqual(JSON.parse((await runCli(['config', 'get', 'alerts.thresholds'], { env: h.env })).stdout), [
    '14d',
    '7d',
    '3d',
    '1d',
    '6h',
    '1h',
  ]);
  const env = await runCli(['config', 'get', 'auth.warnHours'], { env: { ...h.env, AIPRO_WARN_HOURS: '6' } });
  t.is(env.stdout.trim(), '6', 'env overrides show in the effective config');
  const missing = await runCli(['config', 'get', 'nope.nothing'], { env: h.env });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /nope\.nothing/);
});

test('set parses JSON when it can, else a string; writes 0600 and validates', async (t) => {
  const h = home(t);
  t.is((await runCli(['config', 'set', 'auth.warnHours', '48'], { env: h.env })).code, 0);
  t.is((await runCli(['config', 'set', 'agents.default', 'work'], { env: h.env })).code, 0);
  t.is((await runCli(['config', 'set', 'alerts.thresholds', '["7d","1h"]'], { env: h.env })).code, 0);
  t.is(
    (await runCli(['config', 'set', 'models.providers.anthropic.baseUrl', 'http://127.0.0.1:9'], { env: h.env })).code,
    0,
  );
  const ch = { type: 'email', to: ['ops@example.com'], smtp: { host: 'h', pass: { source: 'env', id: 'SMTP_PASS' } } };
  t.is((await runCli(['config', 'set', 'alerts.channels.ops-mail', JSON.stringify(ch)], { env: h.env })).code, 0);
  t.deepEqual(raw(h), {
    auth: { warnHours: 48 },
    agents: { default: 'work' },
    alerts: { thresholds: ['7d', '1h'], channels: { 'ops-mail': ch } },
    models: { providers: { anthropic: { baseUrl: 'http://127.0.0.1:9' } } },
  });
  t.is(statSync(file(h)).mode & 0o777, 0o600);
  t.is((await runCli(['config', 'get', 'agents.default'], { env: h.env })).stdout, 'work\n');
  t.is((await runCli(['config', 'validate'], { env: h.env })).code, 0);
});

test('set refuses an invalid result, naming the key and reason; the file is unchanged', async (t) => {
  const h = home(t);
  h.writeConfig({ auth: { warnHours: 12 } });
  const before = readFileSync(file(h));
  const cases: [string[], RegExp][] = [
    [['auth.warnHours', 'abc'], /auth\.warnHours: must be a number ≥ 0/],
    [['auth.warnHours', '-1'], /auth\.warnHours/],
    [['monitor.listen', 'nowhere'], /monitor\.listen: "nowhere" is not a listen address/],
    [['alerts.repeat', 'often'], /alerts\.repeat/],
    [['no.such.key', '1'], /no\.such\.key: unknown key/],
    [['alerts.channels.x', '{"type":"pigeon"}'], /alerts\.channels: x\.type: must be one of/],
    [['gateway.auth.token', '{"source":"vault","id":"x"}'], /gateway\.auth\.token/],
  ];
  for (const [args, why] of cases) {
    const r = await runCli(['config', 'set', ...args], { env: h.env });
    t.is(r.code, 1, args.join(' '));
    t.regex(r.stderr, why, args.join(' '));
    t.regex(r.stderr, /Nothing was written/);
    t.true(readFileSync(file(h)).equals(before), args.join(' '));
  }
  t.is((await runCli(['config', 'set', 'a..b', '1'], { env: h.env })).code, 64);
  t.is((await runCli(['config', 'set', '__proto__.x', '1'], { env: h.env })).code, 64);
  t.is((await runCli(['config', 'set', 'auth.warnHours'], { env: h.env })).code, 64);
});

test('a bad config file is only overwritten by a set whose result validates', async (t) => {
  const h = home(t);
  h.writeConfig('{ "auth": { "warnHours": ');
  const r = await runCli(['config', 'set', 'auth.warnHours', '5'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /not valid JSON/);
  t.is(readFileSync(file(h), 'utf8'), '{ "auth": { "warnHours": ');
  const status = await runCli(['models', 'status'], { env: h.env });
  t.is(status.code, 1);
  t.regex(status.stderr, /^error: cannot load config .*not valid JSON/m);
  t.notRegex(status.stderr, /error: error/i);

  h.writeConfig({ auth: { warnHours: 'x' }, monitor: { listen: 'bad' } });
  const stillBad = await runCli(['config', 'set', 'auth.warnHours', '5'], { env: h.env });
  t.is(stillBad.code, 1, 'monitor.listen is still invalid');
  t.regex(stillBad.stderr, /monitor\.listen/);
  t.deepEqual(raw(h), { auth: { warnHours: 'x' }, monitor: { listen: 'bad' } });
  t.is((await runCli(['config', 'unset', 'monitor.listen'], { env: h.env })).code, 1, 'warnHours still invalid');
  t.is((await runCli(['config', 'set', 'monitor.listen', '127.0.0.1:9100'], { env: h.env })).code, 1);
  // With only one bad key, setting it to a good value repairs the file.
  h.writeConfig({ auth: { warnHours: 'x' } });
  const fixed = await runCli(['config', 'set', 'auth.warnHours', '5'], { env: h.env });
  t.is(fixed.code, 0, fixed.stderr);
  t.deepEqual(raw(h), { auth: { warnHours: 5 } });
});

test('unset removes a key (and empty parents); unsetting an absent key changes nothing', async (t) => {
  const h = home(t);
  h.writeConfig({ auth: { warnHours: 12 }, agents: { default: 'x' } });
  const r = await runCli(['config', 'unset', 'auth.warnHours'], { env: h.env });
  t.is(r.code, 0);
  t.deepEqual(raw(h), { agents: { default: 'x' } });
  const again = await runCli(['config', 'unset', 'auth.warnHours', '--json'], { env: h.env });
  t.is(again.code, 0);
  t.like(JSON.parse(again.stdout), { ok: true, removed: false });
});

test('validate: exit 0 valid (or absent), 1 invalid with key and reason; --json', async (t) => {
  const h = home(t);
  const absent = await runCli(['config', 'validate'], { env: h.env });
  t.is(absent.code, 0);
  t.regex(absent.stdout, /defaults apply/);
  h.writeConfig({ monitor: { schedules: { expiry: 'every minute' } } });
  const bad = await runCli(['config', 'validate'], { env: h.env });
  t.is(bad.code, 1);
  t.regex(bad.stderr, /monitor\.schedules\.expiry: "every minute" is not a cron expression/);
  const j = await runCli(['config', 'validate', '--json'], { env: h.env });
  t.is(j.code, 1);
  t.like(JSON.parse(j.stdout), { ok: false, key: 'monitor.schedules.expiry' });
});

test('path honours AIPRO_CONFIG_PATH; set writes there', async (t) => {
  const h = home(t);
  t.is((await runCli(['config', 'path'], { env: h.env })).stdout.trim(), file(h));
  const other = join(h.home, 'etc', 'aipro.json');
  const env = { ...h.env, AIPRO_CONFIG_PATH: other };
  t.is((await runCli(['config', 'path'], { env })).stdout.trim(), other);
  t.is((await runCli(['config', 'set', 'auth.warnHours', '3'], { env })).code, 0);
  t.deepEqual(JSON.parse(readFileSync(other, 'utf8')), { auth: { warnHours: 3 } });
  t.false(existsSync(file(h)));
});

test('secrets are printed redacted by get and set', async (t) => {
  const h = home(t);
  const secret = 'hunter2-very-secret-value-123';
  const set = await runCli(['config', 'set', 'gateway.auth.token', secret], { env: h.env });
  t.is(set.code, 0);
  await runCli(
    ['config', 'set', 'env.vars', JSON.stringify({ OPENAI_API_KEY: secret, HTTPS_PROXY: 'http://proxy:3128' })],
    { env: h.env },
  );
  await runCli(
    [
      'config',
      'set',
      'alerts.channels.m',
      JSON.stringify({ type: 'email', to: ['a@b.c'], smtp: { host: 'h', pass: secret } }),
    ],
    { env: h.env },
  );
  for (const args of [
    ['get'],
    ['get', 'gateway.auth.token'],
    ['get', 'gateway'],
    ['get', 'env.vars'],
    ['get', 'alerts', '--json'],
  ]) {
    const r = await runCli(['config', ...args], { env: h.env });
    t.is(r.code, 0);
    t.false(r.stdout.includes(secret), args.join(' '));
  }
  t.false(set.stdout.includes(secret));
  t.regex((await runCli(['config', 'get', 'env.vars'], { env: h.env })).stdout, /"HTTPS_PROXY": "http:\/\/proxy:3128"/);
  t.regex((await runCli(['config', 'get', 'gateway.auth.token'], { env: h.env })).stdout, /\[redacted\]/);
});

test('config --help lists examples', async (t) => {
  const h = home(t);
  for (const sub of [[], ['get'], ['set'], ['unset'], ['validate'], ['path']]) {
    const r = await runCli(['config', ...sub, '--help'], { env: h.env });
    t.is(r.code, 0);
    t.regex(r.stdout, /Examples:/, sub.join(' '));
  }
});

test('alert channels get the full per-channel check on set and validate', async (t) => {
  const h = home(t);
  const bad = await runCli(
    ['config', 'set', 'alerts.channels', '{"m":{"type":"email","to":["a@b.c"],"smtp":{"host":"x","port":"notaport"}}}'],
    { env: h.env },
  );
  t.is(bad.code, 1);
  t.regex(bad.stderr, /alerts\.channels\.m\.smtp\.port/);
  t.false(existsSync(file(h)), 'nothing written');
  h.writeConfig({ alerts: { channels: { w: { type: 'webhook', url: 'http://127.0.0.1:1/x', format: 'nope' } } } });
  const v = await runCli(['config', 'validate'], { env: h.env });
  t.is(v.code, 1);
  t.regex(v.stderr, /alerts\.channels\.w\.format/);
  const j = await runCli(['config', 'validate', '--json'], { env: h.env });
  t.is(j.code, 1);
  t.false(JSON.parse(j.stdout).ok);
  h.writeConfig({ alerts: { channels: { w: { type: 'webhook', url: 'http://127.0.0.1:1/x', format: 'slack' } } } });
  t.is((await runCli(['config', 'validate'], { env: h.env })).code, 0);
});

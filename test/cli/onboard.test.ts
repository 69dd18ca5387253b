/** `aipro onboard --non-interactive`: store or ~/.aipro/.env, default agent, alert mail, errors. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, TOKEN, readJson, skipIfNoPty, underPty } from './support.js';

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}
const NI = ['onboard', '--non-interactive'];

test('API key into the auth store; ends with the status summary and next steps', async (t) => {
  const h = home(t);
  const r = await runCli([...NI, '--provider', 'anthropic', '--secret-stdin'], { env: h.env, input: `${KEY}\n` });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(readJson(h.storePath()).profiles['anthropic:default'], {
    type: 'api_key',
    provider: 'anthropic',
    key: KEY,
  });
  t.regex(r.stdout, /Current status:/);
  t.regex(r.stdout, /anthropic:default\s+api_key\s+profile\s+static/);
  t.regex(r.stdout, /Next steps:\n {2}aipro models status --check/);
  t.false(r.stdout.includes(KEY));
});

test('setup-token into a new default agent', async (t) => {
  const h = home(t);
  const r = await runCli(
    [
      ...NI,
      '--provider',
      'anthropic',
      '--auth-choice',
      'token',
      '--secret-stdin',
      '--agent',
      'gw',
      '--expires-in',
      '365d',
    ],
    { env: h.env, input: TOKEN },
  );
  t.is(r.code, 0, r.stderr);
  const s = readJson(h.storePath('gw'));
  t.like(s.profiles['anthropic:manual'], { type: 'token', token: TOKEN });
  t.true((s.profiles['anthropic:manual']?.expires ?? 0) > Date.now() + 364 * 86_400_000);
  const cfg = readJson<Record<string, any>>(join(h.stateDir, 'aipro.json'));
  t.is(cfg.agents.default, 'gw');
  t.deepEqual(cfg.auth.profiles, { 'anthropic:manual': { provider: 'anthropic', mode: 'token' } });
});

test('--store env appends to ~/.aipro/.env (0600), never duplicates, conflicts need --force', async (t) => {
  const h = home(t);
  const envFile = join(h.stateDir, '.env');
  writeFileSync(envFile, 'OTHER=1', { mode: 0o600 });
  const args = [...NI, '--provider', 'anthropic', '--store', 'env', '--secret-stdin'];
  const r = await runCli(args, { env: h.env, input: KEY });
  t.is(r.code, 0, r.stderr);
  t.is(readFileSync(envFile, 'utf8'), `OTHER=1\nANTHROPIC_API_KEY=${KEY}\n`);
  t.is(statSync(envFile).mode & 0o777, 0o600);
  t.regex(r.stdout, /anthropic:env\s+api_key\s+env:ANTHROPIC_API_KEY/);
  t.false(existsSync(h.storePath()), 'nothing in the auth store');

  const again = await runCli(args, { env: h.env, input: KEY });
  t.is(again.code, 0);
  t.regex(again.stdout, /already held ANTHROPIC_API_KEY/);
  t.is(readFileSync(envFile, 'utf8'), `OTHER=1\nANTHROPIC_API_KEY=${KEY}\n`);

  const other = `sk-ant-api03-${'N'.repeat(40)}`;
  const conflict = await runCli(args, { env: h.env, input: other });
  t.is(conflict.code, 1);
  t.regex(conflict.stderr, /already sets ANTHROPIC_API_KEY to a different value.*--force/);
  t.is(readFileSync(envFile, 'utf8'), `OTHER=1\nANTHROPIC_API_KEY=${KEY}\n`);
  const forced = await runCli([...args, '--force'], { env: h.env, input: other });
  t.is(forced.code, 0, forced.stderr);
  t.is(readFileSync(envFile, 'utf8'), `OTHER=1\nANTHROPIC_API_KEY=${other}\n`);
});

test('alert email writes alerts.channels.ops-mail with an env reference for the password', async (t) => {
  const h = home(t);
  const r = await runCli(
    [
      ...NI,
      '--alert-email',
      'ops@example.com',
      '--alert-from',
      'aipro@gw1',
      '--smtp-host',
      'smtp.example.com',
      '--smtp-user',
      'aipro',
      '--smtp-pass-env',
      'MAIL_PASS',
    ],
    { env: h.env },
  );
  t.is(r.code, 0, r.stderr);
  const cfg = readJson<Record<string, any>>(join(h.stateDir, 'aipro.json'));
  t.deepEqual(cfg.alerts.channels['ops-mail'], {
    type: 'email',
    to: ['ops@example.com'],
    from: 'aipro@gw1',
    smtp: {
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'aipro',
      pass: { source: 'env', id: 'MAIL_PASS' },
    },
  });
  t.regex(r.stdout, /put MAIL_PASS=… into .*\.env/);
  t.is((await runCli(['config', 'validate'], { env: h.env })).code, 0);
});

test('usage errors (64) and a bad secret (1) change nothing', async (t) => {
  const h = home(t);
  const usage = [
    [...NI, '--provider', 'anthropic'],
    [...NI, '--provider', 'anthropic', '--auth-choice', 'token', '--store', 'env', '--secret-stdin'],
    [...NI, '--provider', 'anthropic', '--auth-choice', 'password', '--secret-stdin'],
    [...NI, '--store', 'disk', '--provider', 'anthropic', '--secret-stdin'],
    [...NI, '--alert-email', 'ops@example.com'],
    [...NI, '--secret-stdin'],
    [...NI, '--provider', 'google', '--auth-choice', 'token', '--secret-stdin'],
  ];
  for (const args of usage) t.is((await runCli(args, { env: h.env, input: KEY })).code, 64, args.join(' '));
  const bad = await runCli(
    [
      ...NI,
      '--provider',
      'anthropic',
      '--secret-stdin',
      '--agent',
      'other',
      '--alert-email',
      'a@b.c',
      '--smtp-host',
      'h',
    ],
    { env: h.env, input: 'oops' },
  );
  t.is(bad.code, 1);
  t.regex(bad.stderr, /not saved: an Anthropic API key starts with sk-ant-/);
  t.false(existsSync(join(h.stateDir, 'aipro.json')), 'config untouched when the secret is bad');
  t.false(existsSync(h.storePath('other')));
});

test('the wizard needs a terminal and says how to script it instead', async (t) => {
  const h = home(t);
  const r = await runCli(['onboard'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /--non-interactive/);
  t.regex((await runCli(['onboard', '--help'], { env: h.env })).stdout, /Examples:/);
});

test('the interactive wizard on a terminal: provider, key, store in ~/.aipro/.env, agent, no alerts', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = home(t);
  const DOWN = '\u001b[B';
  const r = await underPty(['onboard'], h.env, [
    [/Which model provider\?/, '\r'],
    [/Credential type:/, '\r'],
    [/Paste the Anthropic API key/, `${KEY}\r`],
    [/Where should aipro keep it\?/, `${DOWN}\r`],
    [/Default agent:/, '\r'],
    [/Send alert mail/, '\r'],
  ]);
  t.is(r.code, 0, r.out);
  t.is(readFileSync(join(h.stateDir, '.env'), 'utf8'), `ANTHROPIC_API_KEY=${KEY}\n`);
  t.regex(r.out, /Next steps:/);
  t.false(r.out.includes(KEY), 'the key is never echoed');
});

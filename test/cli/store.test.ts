/** `aipro store migrate|copy|rekey`, doctor's schema check and commands on the postgres backend, through the bundle. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const KEY = randomBytes(32).toString('base64');
const TOKEN = `sk-ant-oat01-${'Q'.repeat(80)}`;
const STORE = {
  version: 1,
  profiles: {
    'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: 4102444800000 },
    'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-proj-COPYME0123456789abcdef', tool: { v: 2 } },
  },
  order: { anthropic: ['anthropic:manual'] },
  usageStats: { 'openai:default': { lastUsed: 7, errorCount: 0 } },
};

function host(url: string, extra: Record<string, string> = {}): TempHome {
  const h = tempHome();
  h.writeConfig({ store: { backend: 'postgres' } });
  Object.assign(h.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: KEY }, extra);
  return h;
}

const doctorJson = async (h: TempHome) =>
  JSON.parse((await runCli(['doctor', '--json'], { env: h.env, timeoutMs: 60_000 })).stdout) as {
    checks: { id: string; level: string; fix?: string }[];
  };

test('migrate is idempotent; doctor reports a schema that is behind, then current', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const h = host(url);
  t.teardown(() => h.cleanup());
  const before = (await doctorJson(h)).checks.find((c) => c.id === 'fleet.schema');
  t.like(before, { level: 'error', fix: 'aipro store migrate' });
  const first = await runCli(['store', 'migrate'], { env: h.env, timeoutMs: 60_000 });
  t.is(first.code, 0, first.stderr);
  t.regex(first.stdout, /Applied migration 1/);
  const second = await runCli(['store', 'migrate'], { env: h.env, timeoutMs: 60_000 });
  t.is(second.code, 0, second.stderr);
  t.regex(second.stdout, /is current \(version 1\); nothing to do/);
  t.like(
    (await doctorJson(h)).checks.find((c) => c.id === 'fleet.schema'),
    { level: 'ok' },
  );
  // Credentials are judged in the database, not in this host's (absent) files.
  const paste = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], {
    env: h.env,
    input: `${TOKEN}\n`,
    timeoutMs: 60_000,
  });
  t.is(paste.code, 0, paste.stderr);
  const checks = (await doctorJson(h)).checks as { id: string; level: string; summary: string }[];
  t.like(
    checks.find((c) => c.id === 'fleet.store'),
    { level: 'ok' },
  );
  t.regex(checks.find((c) => c.id === 'profile.expiring')?.summary ?? '', /anthropic:manual is expiring/);
  t.false(
    checks.some((c) => c.id === 'store.parse'),
    'no file store checks on the fleet backend',
  );
  t.false(JSON.stringify(checks).includes(TOKEN));
});

test('without a key the postgres backend refuses to start, naming AIPRO_STORE_KEY and encryption none', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const h = host(url);
  t.teardown(() => h.cleanup());
  delete h.env.AIPRO_STORE_KEY;
  const r = await runCli(['models', 'status'], { env: h.env, timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /AIPRO_STORE_KEY is not set.*encryption none/);
  t.false(r.stderr.includes(url.split('@')[0]!.split(':')[2]!), 'the URL password never appears');
  // Adding a credential stops before the secret is read, so a paste is never wasted.
  const add = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], {
    env: h.env,
    input: `${TOKEN}\n`,
    timeoutMs: 60_000,
  });
  t.is(add.code, 1);
  t.regex(add.stderr, /AIPRO_STORE_KEY is not set/);
  t.false(add.stderr.includes(TOKEN));
});

test('copy file → postgres → file is byte-equal, idempotent, and keeps a newer token in the target', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const a = host(url);
  const b = host(url);
  t.teardown(() => (a.cleanup(), b.cleanup()));
  t.is((await runCli(['store', 'migrate'], { env: a.env, timeoutMs: 60_000 })).code, 0);
  // A store as aipro writes it (paste-token through the file backend).
  const fileEnv = { ...a.env, AIPRO_STORE_BACKEND: 'file' };
  a.writeStore(STORE);
  t.is(
    (await runCli(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:manual'], { env: fileEnv }))
      .code,
    0,
  );
  const original = readFileSync(a.storePath(), 'utf8');

  const up = await runCli(['store', 'copy', '--from', 'file', '--to', 'postgres'], { env: a.env, timeoutMs: 60_000 });
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /main: copied 2 profile/);
  const again = await runCli(['store', 'copy', '--from', 'file', '--to', 'postgres'], {
    env: a.env,
    timeoutMs: 60_000,
  });
  t.regex(again.stdout, /main: already up to date/);

  // The core reads the postgres store as it reads a file.
  const status = await runCli(['models', 'status', '--json'], { env: b.env, timeoutMs: 60_000 });
  t.is(status.code, 0, status.stderr);
  t.deepEqual(
    JSON.parse(status.stdout)
      .agents[0].profiles.map((r: { id: string }) => r.id)
      .sort(),
    ['anthropic:manual', 'openai:default'],
  );
  t.false(status.stdout.includes(TOKEN));

  const down = await runCli(['store', 'copy', '--from', 'postgres', '--to', 'file', '--agent', 'main'], {
    env: b.env,
    timeoutMs: 60_000,
  });
  t.is(down.code, 0, down.stderr);
  t.is(readFileSync(b.storePath(), 'utf8'), original);

  // Another host refreshed: postgres now holds a newer token; copying the old file up keeps it.
  const newer = `sk-ant-oat01-${'N'.repeat(80)}`;
  const paste = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '36500d'], {
    env: b.env,
    input: `${newer}\n`,
    timeoutMs: 60_000,
  });
  t.is(paste.code, 0, paste.stderr);
  const stale = await runCli(['store', 'copy', '--from', 'file', '--to', 'postgres'], {
    env: a.env,
    timeoutMs: 60_000,
  });
  t.is(stale.code, 0, stale.stderr);
  t.regex(stale.stdout, /kept the newer postgres version of anthropic:manual/);
  const back = await runCli(['store', 'copy', '--from', 'postgres', '--to', 'file'], { env: b.env, timeoutMs: 60_000 });
  t.is(back.code, 0, back.stderr);
  t.true(readFileSync(b.storePath(), 'utf8').includes(newer));
});

test('rekey through the CLI: the old key in AIPRO_STORE_OLD_KEY, then only the new key reads', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const h = host(url);
  t.teardown(() => h.cleanup());
  t.is((await runCli(['store', 'migrate'], { env: h.env, timeoutMs: 60_000 })).code, 0);
  t.is(
    (
      await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], {
        env: h.env,
        input: `${TOKEN}\n`,
        timeoutMs: 60_000,
      })
    ).code,
    0,
  );
  const next = randomBytes(32).toString('base64');
  const noOld = await runCli(['store', 'rekey'], { env: { ...h.env, AIPRO_STORE_KEY: next }, timeoutMs: 60_000 });
  t.is(noOld.code, 1);
  t.regex(noOld.stderr, /AIPRO_STORE_OLD_KEY.*Nothing was changed/);
  const ok = await runCli(['store', 'rekey'], {
    env: { ...h.env, AIPRO_STORE_KEY: next, AIPRO_STORE_OLD_KEY: KEY },
    timeoutMs: 60_000,
  });
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /Re-sealed 1 secret/);
  t.is(
    (await runCli(['models', 'status', '--check'], { env: { ...h.env, AIPRO_STORE_KEY: next }, timeoutMs: 60_000 }))
      .code,
    0,
  );
  t.is((await runCli(['models', 'status', '--check'], { env: h.env, timeoutMs: 60_000 })).code, 1);
});

test('a wrong password: migrate exits 1 naming the setting, never the password', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const bad = url.replace(/:([^:@/]+)@/, ':WRONGPASSWORD123@');
  const h = host(bad);
  t.teardown(() => h.cleanup());
  const r = await runCli(['store', 'migrate'], { env: h.env, timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /password authentication failed.*store\.postgres\.url/);
  t.false(r.stderr.includes('WRONGPASSWORD123') || r.stdout.includes('WRONGPASSWORD123'));
  // Kept in the config file instead, the URL is printed redacted.
  h.writeConfig({ store: { backend: 'postgres', postgres: { url: bad } } });
  const env = { ...h.env };
  delete env.AIPRO_STORE_POSTGRES_URL;
  const shown = await runCli(['config', 'get', 'store.postgres.url'], { env, timeoutMs: 60_000 });
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /\[redacted\]/);
  t.false(shown.stdout.includes('WRONGPASSWORD123'));
});

test('the URL as a {source:"file"} reference in the config (as the error advises) migrates and serves', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const secretFile = join(h.home, 'pg-url');
  writeFileSync(secretFile, `${url}\n`, { mode: 0o600 });
  h.writeConfig({ store: { backend: 'postgres', postgres: { url: { source: 'file', id: secretFile } } } });
  Object.assign(h.env, { AIPRO_STORE_KEY: KEY });
  const check = await runCli(['config', 'validate'], { env: h.env, timeoutMs: 60_000 });
  t.is(check.code, 0, check.stderr);
  const migrate = await runCli(['store', 'migrate'], { env: h.env, timeoutMs: 60_000 });
  t.is(migrate.code, 0, migrate.stderr);
  const paste = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], {
    env: h.env,
    input: `${TOKEN}\n`,
    timeoutMs: 60_000,
  });
  t.is(paste.code, 0, paste.stderr);
  const status = await runCli(['models', 'status', '--json'], { env: h.env, timeoutMs: 60_000 });
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /"anthropic:manual"/);
  const password = new URL(url).password;
  t.true(password.length > 0);
  t.false(`${status.stdout}${status.stderr}${migrate.stdout}${migrate.stderr}`.includes(password));
});

import test from 'ava';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStore } from '../../src/store/read.js';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((s) => Buffer.from(s).toString('base64url')).join('.') +
  '.sig-canary-part';

function claude(h: TempHome, access: string, refresh: string, expiresAt: number, mtime?: number): string {
  const dir = join(h.home, '.claude');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, '.credentials.json');
  writeFileSync(
    p,
    JSON.stringify({
      claudeAiOauth: {
        accessToken: access,
        refreshToken: refresh,
        expiresAt,
        scopes: ['user:inference'],
        subscriptionType: 'max',
      },
    }),
  );
  if (mtime) utimesSync(p, mtime / 1000, mtime / 1000);
  return p;
}

const profiles = (h: TempHome) => {
  const r = readStore(h.storePath());
  if (!r.ok) throw new Error(r.detail);
  return r.store.profiles;
};

test('import claude-code, then sync only when the file changed, never over a newer token', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const in1h = Date.now() + 3_600_000;
  claude(h, 'sk-ant-oat01-ACCESS-canary-1', 'sk-ant-ort01-REFRESH-canary-1', in1h);
  const imp = await runCli(['models', 'auth', 'import', 'claude-code'], { env: h.env });
  t.is(imp.code, 0, imp.stderr);
  t.regex(imp.stdout, /anthropic:claude-code: imported/);
  t.like(profiles(h)['anthropic:claude-code'], {
    type: 'oauth',
    provider: 'anthropic',
    access: 'sk-ant-oat01-ACCESS-canary-1',
    refresh: 'sk-ant-ort01-REFRESH-canary-1',
    expires: in1h,
  });

  const same = await runCli(['models', 'auth', 'sync'], { env: h.env });
  t.regex(same.stdout, /unchanged since the last import/);

  // Claude Code refreshed: newer token in the file → updated.
  const in2h = Date.now() + 7_200_000;
  claude(h, 'sk-ant-oat01-ACCESS-canary-2', 'sk-ant-ort01-REFRESH-canary-2', in2h, Date.now() + 5000);
  const upd = await runCli(['models', 'auth', 'sync', '--json'], { env: h.env });
  t.is(upd.code, 0, upd.stderr);
  t.like(JSON.parse(upd.stdout)[0], { profileId: 'anthropic:claude-code', decision: 'updated' });
  t.is(profiles(h)['anthropic:claude-code']?.access, 'sk-ant-oat01-ACCESS-canary-2');

  // The file changes to an OLDER token than ours (we refreshed since): ours is kept.
  claude(h, 'sk-ant-oat01-ACCESS-canary-0', 'sk-ant-ort01-REFRESH-canary-0', in1h - 1000, Date.now() + 10_000);
  const kept = await runCli(['models', 'auth', 'sync', '--json'], { env: h.env });
  t.like(JSON.parse(kept.stdout)[0], { decision: 'kept_newer' });
  t.is(profiles(h)['anthropic:claude-code']?.access, 'sk-ant-oat01-ACCESS-canary-2');

  for (const out of [imp, same, upd, kept])
    t.false(/canary/.test(out.stdout + out.stderr), 'a token leaked into the output');
});

test('import codex: expiry from the JWT exp, email from the id_token, --from a directory', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const exp = Math.floor(Date.now() / 1000) + 864_000;
  const dir = join(h.home, 'elsewhere');
  mkdirSync(dir);
  const access = jwt({ exp, sub: 'u1', 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-42' } });
  writeFileSync(
    join(dir, 'auth.json'),
    JSON.stringify({
      OPENAI_API_KEY: null,
      tokens: { access_token: access, refresh_token: 'rt-canary-codex', id_token: jwt({ email: 'dev@example.com' }) },
      last_refresh: new Date().toISOString(),
    }),
  );
  const r = await runCli(['models', 'auth', 'import', 'codex', '--from', dir], { env: h.env });
  t.is(r.code, 0, r.stderr);
  t.like(profiles(h)['openai-codex:codex'], {
    type: 'oauth',
    provider: 'openai-codex',
    expires: exp * 1000,
    email: 'dev@example.com',
    accountId: 'acct-42',
    refresh: 'rt-canary-codex',
  });
  t.false((r.stdout + r.stderr).includes('canary'));
  t.false((r.stdout + r.stderr).includes(access));
});

test('a missing or broken external file is a clear error (exit 1)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['models', 'auth', 'import', 'codex'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /auth\.json does not exist .*codex login|--from/);
  mkdirSync(join(h.home, '.claude'));
  writeFileSync(
    join(h.home, '.claude', '.credentials.json'),
    '{"claudeAiOauth": {"accessToken": "sk-ant-oat01-half-canary"',
  );
  const bad = await runCli(['models', 'auth', 'import', 'claude-code'], { env: h.env });
  t.is(bad.code, 1);
  t.regex(bad.stderr, /not valid JSON/);
  t.false(bad.stderr.includes('canary'));
});

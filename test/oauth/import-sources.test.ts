/**
 * Importers find credentials where the CLIs keep them: `$CLAUDE_CONFIG_DIR`, `$CODEX_HOME`,
 * the macOS Keychain (through a fake `security` on PATH), and Codex's API-key login.
 */
import test from 'ava';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPath, readExternal } from '../../src/oauth/import.js';
import { parseTokenResponse } from '../../src/oauth/token-endpoint.js';
import { readStore } from '../../src/store/read.js';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((s) => Buffer.from(s).toString('base64url')).join('.') +
  '.sig-canary-part';

const claudeJson = (access: string) =>
  JSON.stringify({
    claudeAiOauth: {
      accessToken: access,
      refreshToken: 'sk-ant-ort01-R-canary',
      expiresAt: Date.now() + 3_600_000,
      scopes: ['user:inference', 'user:profile'],
    },
  });

const profiles = (h: TempHome) => {
  const r = readStore(h.storePath());
  if (!r.ok) throw new Error(r.detail);
  return r.store.profiles;
};

/** A fake macOS `security` that prints the item named by -s from `dir/<item>.json`, else exits 44. */
function fakeSecurity(h: TempHome, items: Record<string, string>): string {
  const bin = join(h.home, 'fakebin');
  const store = join(h.home, 'keychain');
  mkdirSync(bin, { recursive: true });
  mkdirSync(store, { recursive: true });
  for (const [name, content] of Object.entries(items)) writeFileSync(join(store, `${name}.json`), content);
  const log = join(h.home, 'security.log');
  writeFileSync(
    join(bin, 'security'),
    `#!/bin/sh\necho "$@" >> '${log}'\n[ "$1" = find-generic-password ] || exit 2\nname=""\nwhile [ $# -gt 0 ]; do ` +
      `[ "$1" = -s ] && name="$2"; shift; done\nf='${store}'/"$name".json\n[ -f "$f" ] || { echo "security: ` +
      `SecKeychainSearchCopyNext: The specified item could not be found in the keychain." >&2; exit 44; }\ncat "$f"\n`,
  );
  chmodSync(join(bin, 'security'), 0o755);
  return bin;
}

test('CLAUDE_CONFIG_DIR and CODEX_HOME are where the CLIs keep their files', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const claudeDir = join(h.home, 'cc-config');
  const codexDir = join(h.home, 'codex-home');
  mkdirSync(claudeDir);
  mkdirSync(codexDir);
  writeFileSync(join(claudeDir, '.credentials.json'), claudeJson('sk-ant-oat01-A-canary'));
  const access = jwt({
    exp: Math.floor(Date.now() / 1000) + 3600,
    'https://api.openai.com/auth': { chatgpt_account_id: 'acct-home' },
  });
  writeFileSync(
    join(codexDir, 'auth.json'),
    JSON.stringify({
      auth_mode: 'chatgpt',
      tokens: { access_token: access, refresh_token: 'rt-canary', id_token: jwt({ email: 'a@example.com' }) },
    }),
  );
  const env = { ...h.env, CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: codexDir };
  const a = await runCli(['models', 'auth', 'import', 'claude-code'], { env });
  t.is(a.code, 0, a.stderr);
  const b = await runCli(['models', 'auth', 'import', 'codex', '--json'], { env });
  t.is(b.code, 0, b.stderr);
  t.is(JSON.parse(b.stdout)[0].path, join(codexDir, 'auth.json'));
  t.like(profiles(h), {
    'anthropic:claude-code': { access: 'sk-ant-oat01-A-canary' },
    'openai-codex:codex': { accountId: 'acct-home', email: 'a@example.com' },
  });
  t.false((a.stdout + a.stderr + b.stdout + b.stderr).includes('canary'));
});

test('macOS: the Keychain items are read through `security` when the files are absent', (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const access = jwt({
    exp: Math.floor(Date.now() / 1000) + 3600,
    'https://api.openai.com/auth': { chatgpt_account_id: 'acct-kc' },
  });
  const bin = fakeSecurity(h, {
    'Claude Code-credentials': claudeJson('sk-ant-oat01-K-canary'),
    'Codex Auth': JSON.stringify({ auth_mode: 'chatgpt', tokens: { access_token: access, refresh_token: 'rt-kc' } }),
  });
  const deps = { env: { ...h.env, PATH: `${bin}:${h.env.PATH ?? ''}` }, platform: 'darwin' as const };
  const cc = importPath('claude-code', h.home, undefined, deps);
  t.is(cc, 'keychain:Claude Code-credentials');
  t.like(readExternal('claude-code', cc, Date.now(), deps), {
    ok: true,
    cred: { access: 'sk-ant-oat01-K-canary', origin: { path: 'keychain:Claude Code-credentials' } },
  });
  const cx = importPath('codex', h.home, undefined, deps);
  t.is(cx, 'keychain:Codex Auth');
  t.like(readExternal('codex', cx, Date.now(), deps), { ok: true, cred: { accountId: 'acct-kc', refresh: 'rt-kc' } });
  // A file, when present, wins over the Keychain; Linux never asks the Keychain.
  mkdirSync(join(h.home, '.claude'));
  writeFileSync(join(h.home, '.claude', '.credentials.json'), claudeJson('sk-ant-oat01-F-canary'));
  t.is(importPath('claude-code', h.home, undefined, deps), join(h.home, '.claude', '.credentials.json'));
  t.is(importPath('codex', h.home, undefined, { ...deps, platform: 'linux' }), join(h.home, '.codex', 'auth.json'));
});

test('macOS: a missing Keychain item or a missing `security` tool is a clear error', (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const bin = fakeSecurity(h, {});
  const r = readExternal('codex', 'keychain:Codex Auth', Date.now(), { env: { PATH: bin }, platform: 'darwin' });
  t.like(r, { ok: false });
  t.regex(r.ok ? '' : r.detail, /Keychain has no item "Codex Auth"/);
  const none = readExternal('codex', 'keychain:Codex Auth', Date.now(), {
    env: { PATH: join(h.home, 'nothing-here') },
    platform: 'darwin',
  });
  t.regex(none.ok ? '' : none.detail, /security` tool is not available/);
});

test('Codex API-key login (auth_mode apikey) imports as an api_key profile', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  mkdirSync(join(h.home, '.codex'));
  writeFileSync(
    join(h.home, '.codex', 'auth.json'),
    JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-proj-canary-key-aaaaaaaaaaaaaaaaaaaa', tokens: null }),
  );
  const r = await runCli(['models', 'auth', 'import', 'codex'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /openai:codex: imported/);
  const p = profiles(h)['openai:codex'];
  t.like(p, { type: 'api_key', provider: 'openai', key: 'sk-proj-canary-key-aaaaaaaaaaaaaaaaaaaa' });
  t.is(p?.access, undefined);
  t.false((r.stdout + r.stderr).includes('canary'));
});

test('the Codex account id is tokens.account_id or the chatgpt_account_id claim, never sub', (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const file = join(h.home, 'auth.json');
  const write = (tokens: Record<string, unknown>) =>
    writeFileSync(file, JSON.stringify({ auth_mode: 'chatgpt', tokens }));
  const exp = Math.floor(Date.now() / 1000) + 3600;
  write({
    access_token: jwt({ exp, sub: 'auth0|user-1' }),
    id_token: jwt({ sub: 'auth0|user-1', email: 'x@example.com' }),
  });
  const noClaim = readExternal('codex', file, Date.now());
  t.true(noClaim.ok);
  t.is(noClaim.ok ? noClaim.cred.accountId : 'x', undefined);
  write({
    access_token: jwt({ exp, sub: 'auth0|u' }),
    id_token: jwt({ sub: 'auth0|u', 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-claim' } }),
  });
  const claim = readExternal('codex', file, Date.now());
  t.is(claim.ok ? claim.cred.accountId : '', 'acct-claim');
  write({
    access_token: jwt({ exp, sub: 'auth0|u' }),
    account_id: 'acct-field',
    id_token: jwt({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-claim' } }),
  });
  const field = readExternal('codex', file, Date.now());
  t.is(field.ok ? field.cred.accountId : '', 'acct-field');
  // The same rule for tokens from a login or a refresh.
  t.is(
    parseTokenResponse(
      { access_token: jwt({ exp, sub: 'auth0|u' }), id_token: jwt({ sub: 'auth0|u', email: 'x@example.com' }) },
      Date.now(),
    )?.accountId,
    undefined,
  );
  t.is(
    parseTokenResponse(
      { access_token: 'a', id_token: jwt({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-login' } }) },
      Date.now(),
    )?.accountId,
    'acct-login',
  );
});

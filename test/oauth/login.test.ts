import test from 'ava';
import { authorizeUrl, parsePasted } from '../../src/oauth/authorize.js';
import { login } from '../../src/oauth/login.js';
import { s256 } from '../../src/oauth/pkce.js';
import { resolveOAuthSpec } from '../../src/oauth/spec.js';
import { readStore } from '../../src/store/read.js';
import { startCli, type LiveCli } from '../helpers/cli.js';
import { startOAuthServer, startTokenEndpoint } from '../helpers/oauth-server.js';
import { oauthConfigRaw, serverAndHome } from './helpers.js';
import { configFrom } from '../helpers/config.js';

/** Start a login in-process; `url` resolves with the authorization URL it prints. */
function startLogin(args: string[], env: Record<string, string>): LiveCli & { url: Promise<string> } {
  const cli = startCli(args, { env });
  const url = cli
    .said(/^\s+http\S+$/m)
    .then((stderr) => (/^\s+(http\S+)$/m.exec(stderr) as RegExpExecArray)[1] as string);
  return { ...cli, url };
}

/** Canary: no token, refresh token, authorization code or PKCE verifier in the output. */
function assertNoSecrets(
  t: { false(v: boolean, m?: string): void; true(v: boolean, m?: string): void },
  output: string,
  secrets: string[],
  authUrl: string,
) {
  for (const s of secrets) t.false(output.includes(s), 'a secret leaked into the output');
  // The verifier is never known to the test, but it is a 43-char base64url string: the only
  // such string allowed in the output is part of the printed authorization URL (the challenge).
  for (const m of output.match(/[A-Za-z0-9_-]{43}/g) ?? [])
    t.true(authUrl.includes(m), 'a verifier-shaped string in the output');
}

test('login end to end through the loopback redirect (CLI), profile stored with email', async (t) => {
  const { server, h } = await serverAndHome(t);
  h.writeConfig(oauthConfigRaw(server));
  const cli = startLogin(['models', 'auth', 'login', '--provider', 'openai-codex'], h.env);
  const url = await cli.url;
  const u = new URL(url);
  t.is(u.searchParams.get('code_challenge_method'), 'S256');
  // The Codex parameters ride along, and a standard OAuth server accepts them.
  t.is(u.searchParams.get('codex_cli_simplified_flow'), 'true');
  t.regex(u.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  t.regex(u.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
  const final = await server.authorize(url);
  const code = new URL(final).searchParams.get('code') as string;
  const page = await fetch(final);
  t.is(page.status, 200);
  const out = await cli.done;
  t.is(out.code, 0, out.stderr);
  const read = readStore(h.storePath());
  if (!read.ok) return t.fail(read.detail);
  const p = read.store.profiles['openai-codex:me@example.com'];
  t.like(p, { type: 'oauth', provider: 'openai-codex', email: 'me@example.com' });
  t.truthy(p?.refresh);
  t.true((p?.expires ?? 0) > Date.now());
  t.regex(out.stdout, /Logged in to openai-codex as me@example\.com/);
  assertNoSecrets(t, out.stdout + out.stderr, [p?.access as string, p?.refresh as string, code], url);
});

test('--no-browser: the pasted redirect URL completes the login (headless host)', async (t) => {
  const { server, h } = await serverAndHome(t);
  h.writeConfig(oauthConfigRaw(server));
  const cli = startLogin(
    [
      'models',
      'auth',
      'login',
      '--provider',
      'openai-codex',
      '--no-browser',
      '--profile-id',
      'openai-codex:work',
      '--json',
    ],
    h.env,
  );
  const url = await cli.url;
  const final = await server.authorize(url, { account: 'ops' });
  cli.write(`${final}\n`);
  const out = await cli.done;
  t.is(out.code, 0, out.stderr);
  const summary = JSON.parse(out.stdout);
  t.like(summary, { profileId: 'openai-codex:work', email: 'ops@example.com', refreshToken: true });
  const read = readStore(h.storePath());
  const p = read.ok ? read.store.profiles['openai-codex:work'] : undefined;
  assertNoSecrets(
    t,
    out.stdout + out.stderr,
    [p?.access as string, p?.refresh as string, new URL(final).searchParams.get('code') as string],
    url,
  );
});

test('paste flow (Anthropic style): code#state from the page is exchanged', async (t) => {
  const server = await startOAuthServer();
  t.teardown(() => server.close());
  const base = resolveOAuthSpec(
    'anthropic',
    configFrom(oauthConfigRaw(server, 'anthropic', 'http://127.0.0.1/auth/callback')),
  );
  if (!base) return t.fail();
  // The test server speaks the standard form body; Anthropic's JSON body is covered below.
  const spec = { ...base, tokenBody: 'form' as const };
  t.is(spec.flow, 'paste');
  let gotUrl: (u: string) => void = () => undefined;
  const url = new Promise<string>((r) => (gotUrl = r));
  let pasted: (l: string) => void = () => undefined;
  const line = new Promise<string>((r) => (pasted = r));
  const pending = login({
    spec,
    noBrowser: true,
    now: Date.now,
    io: { say: (l) => l.trim().startsWith('http') && gotUrl(l.trim()), readLine: () => line },
  });
  const authUrl = await url;
  t.is(new URL(authUrl).searchParams.get('code'), 'true');
  const final = new URL(await server.authorize(authUrl));
  pasted(`  ${final.searchParams.get('code')}#${final.searchParams.get('state')}\n`);
  const res = await pending;
  t.true(res.ok, res.ok ? '' : res.detail);
});

test('a wrong state or a refusal is reported, not accepted', (t) => {
  t.like(parsePasted('abc#other', 'mine'), { ok: false, reason: 'state_mismatch' });
  t.like(parsePasted('http://127.0.0.1:1/auth/callback?error=access_denied&state=mine', 'mine'), {
    ok: false,
    reason: 'denied',
  });
  t.like(parsePasted('http://127.0.0.1:1/auth/callback?code=c1&state=mine', 'mine'), { ok: true, code: 'c1' });
  t.like(parsePasted('c2#mine', 'mine'), { ok: true, code: 'c2', state: 'mine' });
  t.like(parsePasted(' c3 \n', 'mine'), { ok: true, code: 'c3' });
});

test('the authorization URL carries PKCE S256 and the state; Anthropic gets a JSON token body', async (t) => {
  const spec = resolveOAuthSpec('anthropic', configFrom({}));
  if (!spec) return t.fail();
  const u = new URL(
    authorizeUrl(spec, { redirectUri: spec.redirectUri, challenge: s256('v'.repeat(43)), state: 'st' }),
  );
  t.is(u.origin + u.pathname, 'https://claude.ai/oauth/authorize');
  t.is(u.searchParams.get('client_id'), '9d1c250a-e61b-44d9-88ed-5944d1962f5e');
  t.is(u.searchParams.get('scope'), 'org:create_api_key user:profile user:inference');
  t.is(u.searchParams.get('code_challenge'), s256('v'.repeat(43)));

  // A JSON token endpoint like Anthropic's: check the body we send.
  const ep = await startTokenEndpoint({
    accepts: 'json',
    path: '/v1/oauth/token',
    reply: () => ({
      json: {
        access_token: 'sk-ant-oat01-access',
        refresh_token: 'sk-ant-ort01-refresh',
        expires_in: 28800,
        account: { uuid: 'acc-1', email_address: 'me@example.com' },
      },
    }),
  });
  t.teardown(ep.close);
  const tokenUrl = ep.url;
  let gotUrl: (u: string) => void = () => undefined;
  const url = new Promise<string>((r) => (gotUrl = r));
  let pasted: (l: string) => void = () => undefined;
  const line = new Promise<string>((r) => (pasted = r));
  const pending = login({
    spec: { ...spec, tokenUrl },
    noBrowser: true,
    now: Date.now,
    io: { say: (l) => l.trim().startsWith('http') && gotUrl(l.trim()), readLine: () => line },
  });
  const state = new URL(await url).searchParams.get('state');
  pasted(`the-code#${state}`);
  const res = await pending;
  t.is(ep.bodies.length, 1);
  const body = ep.bodies[0] ?? {};
  t.like(body, {
    grant_type: 'authorization_code',
    code: 'the-code',
    state,
    client_id: spec.clientId,
    redirect_uri: spec.redirectUri,
  });
  t.is<string | null, string | null>(
    s256(body.code_verifier as string),
    new URL(await url).searchParams.get('code_challenge'),
  );
  t.like(res, { ok: true, tokens: { email: 'me@example.com', accountId: 'acc-1', refresh: 'sk-ant-ort01-refresh' } });
});

/**
 * The OAuth endpoints and parameters as the live services expect them: Anthropic's token
 * host and its never-sent-only fallback, the 43-character state, a bare pasted code, the
 * Codex authorize parameters.
 */
import test from 'ava';
import { authorizeUrl, parsePasted } from '../../src/oauth/authorize.js';
import { login } from '../../src/oauth/login.js';
import { createState } from '../../src/oauth/pkce.js';
import { resolveOAuthSpec } from '../../src/oauth/spec.js';
import { requestToken } from '../../src/oauth/token-endpoint.js';
import type { OAuthSpec } from '../../src/providers/types.js';
import { freePort } from '../helpers/net.js';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/oauth-server.js';
import { startRawUpstream } from '../helpers/raw-upstreams.js';
import { configFrom } from '../helpers/config.js';

/** An Anthropic-style JSON token endpoint that records every body it gets. */
async function tokenServer(t: { teardown(fn: () => Promise<void>): void }, reply?: TokenEndpoint['reply']) {
  const ep = await startTokenEndpoint({
    accepts: 'json',
    path: '/v1/oauth/token',
    reply:
      reply ??
      (() => ({
        json: { access_token: 'sk-ant-oat01-access', refresh_token: 'sk-ant-ort01-next', expires_in: 28800 },
      })),
  });
  t.teardown(ep.close);
  return ep;
}

const anthropic = (over: Record<string, unknown> = {}) =>
  resolveOAuthSpec('anthropic', configFrom({ models: { providers: { anthropic: { oauth: over } } } })) as OAuthSpec;
const refreshParams = { grant_type: 'refresh_token', refresh_token: 'sk-ant-ort01-once', client_id: 'c' };

test(
  'Anthropic defaults: platform.claude.com token and paste page, console host only as fallback; all ' + 'overridable',
  (t) => {
    const spec = anthropic();
    t.is(spec.tokenUrl, 'https://platform.claude.com/v1/oauth/token');
    t.is(spec.fallbackTokenUrl, 'https://console.anthropic.com/v1/oauth/token');
    t.is(spec.redirectUri, 'https://platform.claude.com/oauth/code/callback');
    // The old paste page stays selectable.
    t.is(
      anthropic({ redirectUri: 'https://console.anthropic.com/oauth/code/callback' }).redirectUri,
      'https://console.anthropic.com/oauth/code/callback',
    );
    // An overridden token endpoint (a test server, a proxy) never falls back to the real host.
    t.is(anthropic({ tokenUrl: 'http://127.0.0.1:1/token' }).fallbackTokenUrl, undefined);
    t.is(anthropic({ tokenUrl: 'http://a/t', fallbackTokenUrl: 'http://b/t' }).fallbackTokenUrl, 'http://b/t');
    t.is(anthropic({ fallbackTokenUrl: '' }).fallbackTokenUrl, undefined);
  },
);

test(
  'connection refused and DNS failure go to the fallback host; the refresh token reaches exactly one ' + 'server',
  async (t) => {
    const fb = await tokenServer(t);
    const refused = `http://localhost:${await freePort()}/v1/oauth/token`;
    for (const primary of [refused, 'http://aipro-token-host.invalid/v1/oauth/token']) {
      const r = await requestToken({ ...anthropic(), tokenUrl: primary, fallbackTokenUrl: fb.url }, refreshParams, {
        now: Date.now,
      });
      t.like(r, { ok: true, tokens: { access: 'sk-ant-oat01-access' } }, primary);
    }
    t.is(fb.bodies.length, 2);
  },
);

test('a request that may have been processed is never sent to the fallback (reset, 5xx, timeout)', async (t) => {
  const fb = await tokenServer(t);
  // Accepts the request, then drops the connection without answering.
  const reset = await startRawUpstream((s) => s.once('data', () => s.destroy()));
  // Accepts and never answers.
  const hang = await startRawUpstream();
  const five = await tokenServer(t, () => ({ status: 503, json: { error: 'server_error' } }));
  t.teardown(async () => {
    await Promise.all([reset.close(), hang.close()]);
  });
  const at = (s: { url: string }) => `${s.url}/v1/oauth/token`;
  const r1 = await requestToken({ ...anthropic(), tokenUrl: at(reset), fallbackTokenUrl: fb.url }, refreshParams, {
    now: Date.now,
  });
  t.like(r1, { ok: false, reason: 'network', permanent: false });
  const r2 = await requestToken({ ...anthropic(), tokenUrl: five.url, fallbackTokenUrl: fb.url }, refreshParams, {
    now: Date.now,
  });
  t.like(r2, { ok: false, reason: 'server_error', httpStatus: 503 });
  const r3 = await requestToken({ ...anthropic(), tokenUrl: at(hang), fallbackTokenUrl: fb.url }, refreshParams, {
    now: Date.now,
    timeoutMs: 500,
  });
  t.like(r3, { ok: false, reason: 'timeout' });
  t.is(fb.bodies.length, 0);
});

test('state is 32 random bytes (43 base64url characters)', (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const s = createState();
    t.regex(s, /^[A-Za-z0-9_-]{43}$/);
    seen.add(s);
  }
  t.is(seen.size, 50);
});

test('a pasted bare code is exchanged with the state aipro generated', async (t) => {
  const fb = await tokenServer(t);
  const spec = { ...anthropic(), tokenUrl: fb.url };
  let gotUrl: (u: string) => void = () => undefined;
  const url = new Promise<string>((r) => (gotUrl = r));
  const pending = login({
    spec,
    noBrowser: true,
    now: Date.now,
    io: { say: (l) => l.trim().startsWith('http') && gotUrl(l.trim()), readLine: async () => '  bare-code-only \n' },
  });
  const state = new URL(await url).searchParams.get('state');
  t.regex(state ?? '', /^[A-Za-z0-9_-]{43}$/);
  t.like(await pending, { ok: true });
  t.like(fb.bodies[0], {
    grant_type: 'authorization_code',
    code: 'bare-code-only',
    state,
    redirect_uri: 'https://platform.claude.com/oauth/code/callback',
  });
  t.like(parsePasted('c9', 'mine'), { ok: true, code: 'c9', state: 'mine' });
});

test('the Codex authorize URL carries id_token_add_organizations, codex_cli_simplified_flow and originator', (t) => {
  const spec = resolveOAuthSpec('openai-codex', configFrom({})) as OAuthSpec;
  const u = new URL(authorizeUrl(spec, { redirectUri: spec.redirectUri, challenge: 'c', state: 's' }));
  t.is(u.origin + u.pathname, 'https://auth.openai.com/oauth/authorize');
  t.is(u.searchParams.get('id_token_add_organizations'), 'true');
  t.is(u.searchParams.get('codex_cli_simplified_flow'), 'true');
  t.is(u.searchParams.get('originator'), 'aipro');
  t.is(u.searchParams.get('scope'), 'openid profile email offline_access');
  t.is(u.searchParams.get('redirect_uri'), 'http://localhost:1455/auth/callback');
  const custom = resolveOAuthSpec(
    'openai-codex',
    configFrom({
      models: {
        providers: { 'openai-codex': { oauth: { originator: 'my-gw', authorizeUrl: 'http://127.0.0.1:1/auth' } } },
      },
    }),
  ) as OAuthSpec;
  const v = new URL(authorizeUrl(custom, { redirectUri: custom.redirectUri, challenge: 'c', state: 's' }));
  t.is(v.searchParams.get('originator'), 'my-gw');
  t.is(v.searchParams.get('codex_cli_simplified_flow'), 'true');
  // Anthropic's URL has none of them.
  const a = new URL(authorizeUrl(anthropic(), { redirectUri: 'r', challenge: 'c', state: 's' }));
  t.is(a.searchParams.get('originator'), null);
});

/**
 * OAuth servers for tests, on port 0.
 *
 * - `startOAuthServer()`: a real OAuth 2.0 / OpenID Connect server, `oidc-provider` (v9) with
 *   PKCE (S256) required, refresh-token rotation and reuse detection (a consumed refresh token
 *   presented again revokes the whole grant). `authorize()` drives the login and consent
 *   screens with plain HTTP requests, the way a browser would.
 * - `startTokenEndpoint()`: a bare token endpoint whose answers the test scripts (Anthropic's
 *   JSON endpoint, refusals, 5xx), recording every body it gets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import Provider from 'oidc-provider';
import { serve } from './net.js';

export interface OAuthServer {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  clientId: string;
  /** Every refresh token presented at the token endpoint, in order. */
  presentedRefreshTokens: string[];
  /** Token endpoint answers by grant type and outcome (e.g. `refresh_token:ok`). */
  tokenResponses: string[];
  /** Follow the authorization URL through login + consent; returns the final redirect URL. */
  authorize(url: string, opts?: { account?: string }): Promise<string>;
  /** Config snippet for `models.providers.<id>.oauth`. */
  oauthConfig(redirectUri: string): {
    clientId: string;
    authorizeUrl: string;
    tokenUrl: string;
    redirectUri: string;
    scopes: string[];
  };
  close(): Promise<void>;
}

export const TEST_CLIENT_ID = 'aipro-test-client';

export async function startOAuthServer(opts: { accessTtlSeconds?: number } = {}): Promise<OAuthServer> {
  // The issuer names the port, so the provider is made after the server listens.
  let handle = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(503).end();
  const served = await serve((req, res) => handle(req, res));
  const issuer = served.url;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        // Native clients may use any loopback port (RFC 8252 §7.3); oidc-provider ignores it.
        redirect_uris: ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async () => true,
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
    ttl: {
      AccessToken: opts.accessTtlSeconds ?? 3600,
      IdToken: 3600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 600,
      AuthorizationCode: 600,
    },
    cookies: { keys: ['aipro-test-cookie-key'] },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
  });
  const presentedRefreshTokens: string[] = [];
  const tokenResponses: string[] = [];
  provider.use(
    async (ctx: { method: string; path: string; status: number; body: unknown }, next: () => Promise<void>) => {
      await next();
      if (ctx.method === 'POST' && ctx.path === '/token') {
        const params = (ctx as unknown as { oidc?: { params?: Record<string, unknown> } }).oidc?.params ?? {};
        const grant = String(params.grant_type ?? '');
        if (grant === 'refresh_token' && typeof params.refresh_token === 'string')
          presentedRefreshTokens.push(params.refresh_token);
        const body = ctx.body as { error?: string } | undefined;
        tokenResponses.push(`${grant}:${ctx.status === 200 ? 'ok' : (body?.error ?? ctx.status)}`);
      }
    },
  );
  handle = provider.callback();

  async function authorize(url: string, o: { account?: string } = {}): Promise<string> {
    const jar = new Map<string, string>();
    const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const remember = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = (pair ?? '').indexOf('=');
        if (i > 0) jar.set((pair as string).slice(0, i), (pair as string).slice(i + 1));
      }
    };
    let next = url;
    for (let hop = 0; hop < 20; hop++) {
      if (!next.startsWith(issuer)) return next; // left the server: the redirect to the client
      let res = await fetch(next, { redirect: 'manual', headers: { cookie: cookieHeader() } });
      remember(res);
      if (res.status === 200 && next.includes('/interaction/')) {
        const html = await res.text();
        const prompt =
          /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? (html.includes('name="login"') ? 'login' : 'consent');
        const form = new URLSearchParams(
          prompt === 'login' ? { prompt, login: o.account ?? 'me', password: 'x' } : { prompt },
        );
        res = await fetch(next, {
          method: 'POST',
          redirect: 'manual',
          body: form,
          headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        });
        remember(res);
      }
      const loc = res.headers.get('location');
      if (!loc)
        throw new Error(
          `authorize stopped at ${new URL(next).pathname} with HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`,
        );
      next = new URL(loc, next).toString();
    }
    throw new Error('authorize: too many redirects');
  }

  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    revocationUrl: `${issuer}/token/revocation`,
    clientId: TEST_CLIENT_ID,
    presentedRefreshTokens,
    tokenResponses,
    authorize,
    oauthConfig: (redirectUri) => ({
      clientId: TEST_CLIENT_ID,
      authorizeUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      redirectUri,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
    }),
    close: served.close,
  };
}

export interface TokenAnswer {
  status?: number;
  json: unknown;
}

export interface TokenEndpoint {
  /** The token URL: `http://127.0.0.1:<port><path>`. */
  url: string;
  /** Every request body, in order. */
  bodies: Record<string, unknown>[];
  /** Every refresh token presented (any grant), in order. */
  presented: string[];
  /** Answers the next requests; `n` counts refresh tokens presented so far (this one included). */
  reply: (body: Record<string, unknown>, n: number) => TokenAnswer;
  close(): Promise<void>;
}

/** Refresh grants get `<prefix>-access-N` and a rotated `<prefix>-refresh-N`; other grants a 400. */
export const rotatingTokens =
  (prefix: string) =>
  (body: Record<string, unknown>, n: number): TokenAnswer =>
    body.grant_type !== 'refresh_token'
      ? { status: 400, json: { error: 'unsupported_grant_type' } }
      : {
          json: {
            access_token: `${prefix}-access-${n}-${'x'.repeat(24)}`,
            refresh_token: `${prefix}-refresh-${n}-${'y'.repeat(24)}`,
            expires_in: 3600,
            token_type: 'Bearer',
          },
        };

/**
 * A token endpoint that parses only the body format the real one takes (Anthropic: `json`,
 * RFC 6749 servers: `form`), so a request in the other format arrives empty and fails the test.
 */
export async function startTokenEndpoint(opts: {
  accepts: 'json' | 'form';
  path?: string;
  reply?: TokenEndpoint['reply'];
}): Promise<TokenEndpoint> {
  const path = opts.path ?? '/token';
  const app = express();
  app.use(opts.accepts === 'json' ? express.json() : express.urlencoded({ extended: false }));
  const ep: TokenEndpoint = {
    url: '',
    bodies: [],
    presented: [],
    reply: opts.reply ?? rotatingTokens('fresh'),
    close: async () => undefined,
  };
  app.post(path, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    ep.bodies.push(body);
    if (typeof body.refresh_token === 'string') ep.presented.push(body.refresh_token);
    const a = ep.reply(body, ep.presented.length);
    res.status(a.status ?? 200).json(a.json);
  });
  const served = await serve(app);
  return Object.assign(ep, { url: `${served.url}${path}`, close: served.close });
}

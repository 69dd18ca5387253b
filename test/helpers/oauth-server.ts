/**
 * A real OAuth 2.0 / OpenID Connect server for tests: `oidc-provider` (v9) on port 0 with
 * PKCE (S256) required, refresh-token rotation and reuse detection (a consumed refresh
 * token presented again revokes the whole grant). `authorize()` drives the login and
 * consent screens with plain HTTP requests, the way a browser would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

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
  const server: Server = createServer();
  // fetch keeps connections alive; with Node's 5 s default a busy machine lets the server close an
  // idle one just as the next POST goes out on it ("fetch failed"). Tests close every socket anyway.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
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
  server.on('request', provider.callback());

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
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

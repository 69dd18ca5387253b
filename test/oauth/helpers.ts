/** Shared setup of the OAuth tests: the real OAuth server, a temp home, a real login against the server. */
import { login } from '../../src/oauth/login.js';
import { resolveOAuthSpec } from '../../src/oauth/spec.js';
import type { TokenSet } from '../../src/oauth/token-endpoint.js';
import { configFrom } from '../helpers/config.js';
import { type OAuthServer, startOAuthServer } from '../helpers/oauth-server.js';
import { type TempHome, tempHome } from '../helpers/tmp.js';
import { postgresBackend, type PostgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';

/** The real OAuth server and a fresh temp home, both gone when the test ends. */
export async function serverAndHome(t: {
  teardown(fn: () => Promise<void>): void;
}): Promise<{ server: OAuthServer; h: TempHome }> {
  const server = await startOAuthServer();
  const h = tempHome();
  t.teardown(async () => {
    await server.close();
    h.cleanup();
  });
  return { server, h };
}

/**
 * `serverAndHome` for a fleet: also a migrated schema `aipro` in the database at `url` and an
 * unsealed postgres backend on it, all closed when the test ends.
 */
export async function fleetServerAndHome(
  t: { teardown(fn: () => Promise<void>): void },
  url: string,
): Promise<{ server: OAuthServer; h: TempHome; b: PostgresBackend }> {
  const { server, h } = await serverAndHome(t);
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  const b = postgresBackend(createPool(url), 'aipro', null);
  t.teardown(async () => {
    await Promise.all([b.close(), pool.end()]);
  });
  return { server, h, b };
}

export function oauthConfigRaw(
  server: OAuthServer,
  provider = 'openai-codex',
  redirectUri = 'http://127.0.0.1:0/auth/callback',
) {
  return { models: { providers: { [provider]: { oauth: server.oauthConfig(redirectUri) } } } };
}

/** Log in in-process through the loopback listener; returns the tokens. */
export async function loginTokens(server: OAuthServer, account = 'me'): Promise<TokenSet> {
  const spec = resolveOAuthSpec('openai-codex', configFrom(oauthConfigRaw(server)));
  if (!spec) throw new Error('no spec');
  let gotUrl: (u: string) => void = () => undefined;
  const url = new Promise<string>((r) => (gotUrl = r));
  const pending = login({
    spec,
    noBrowser: true,
    now: Date.now,
    io: { say: (l) => l.trim().startsWith('http') && gotUrl(l.trim()), readLine: () => new Promise(() => undefined) },
  });
  const final = await server.authorize(await url, { account });
  await fetch(final);
  const res = await pending;
  if (!res.ok) throw new Error(res.detail);
  return res.tokens;
}

/**
 * Imported credentials follow their CLI: the refresh monitor (and any forced refresh)
 * re-reads the source and takes the CLI's newer tokens, never presenting the shared
 * refresh token itself; `models auth detach` makes aipro the refresher.
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refresh } from '../../monitors/refresh.js';
import type { MonitorContext, Observation } from '../../monitors/types.js';
import { refreshProfile } from '../../src/oauth/refresh.js';
import { readStore } from '../../src/store/read.js';
import { updateStore } from '../../src/store/write.js';
import { runCli } from '../helpers/cli.js';
import { loginTokens, oauthConfigRaw, serverAndHome } from './helpers.js';
import { configFrom } from '../helpers/config.js';
import { captureLog } from '../helpers/log.js';

const ID = 'openai-codex:codex';
const jwt = (claims: Record<string, unknown>) =>
  `${['{"alg":"none"}', JSON.stringify(claims)].map((s) => Buffer.from(s).toString('base64url')).join('.')}.sig`;

test('an imported profile is re-read from its source, never refreshed by aipro, until detached', async (t) => {
  const { server, h } = await serverAndHome(t);
  const a = await loginTokens(server);
  const codexHome = join(h.home, 'codex-home');
  mkdirSync(codexHome);
  const file = join(codexHome, 'auth.json');
  // Codex access tokens are JWTs whose exp is the expiry; the refresh token is the server's.
  const writeAuth = (access: string, refreshToken: string) =>
    writeFileSync(
      file,
      JSON.stringify({
        auth_mode: 'chatgpt',
        tokens: { access_token: access, refresh_token: refreshToken, account_id: 'acct-1' },
        last_refresh: new Date().toISOString(),
      }),
    );
  const accessA = jwt({ exp: Math.floor(Date.now() / 1000) + 120, n: 'a' });
  writeAuth(accessA, a.refresh as string);
  const env = { ...h.env, CODEX_HOME: codexHome };
  const imp = await runCli(['models', 'auth', 'import', 'codex'], { env });
  t.is(imp.code, 0, imp.stderr);
  h.writeConfig(oauthConfigRaw(server));
  const config = configFrom(oauthConfigRaw(server));
  const storePath = h.storePath();
  const profile = () => {
    const r = readStore(storePath);
    if (!r.ok) throw new Error(r.detail);
    return { p: r.store.profiles[ID], last: r.store.usageStats?.[ID]?.lastRefresh };
  };
  const log = captureLog();
  const ctx: MonitorContext = {
    config,
    env,
    now: Date.now,
    agents: [{ id: 'main', storePath, isDefault: true }],
    log,
  };
  const resultOf = (obs: Observation[]) => obs.map((o) => (o.kind === 'refresh' ? o.result : o.kind)).join(',');

  // Due (within the skew) but still valid, source unchanged: nothing to take, nothing sent.
  t.is(resultOf(await refresh.run(ctx)), 'skipped');
  t.like(await refreshProfile({ storePath, profileId: ID, config, env, now: Date.now, force: true }), {
    ok: true,
    refreshed: false,
  });
  t.deepEqual(server.presentedRefreshTokens, []);

  // The Codex CLI refreshes (rotating the refresh token) and writes its file.
  const res = await fetch(server.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: a.refresh as string,
      client_id: server.clientId,
    }),
  });
  const b = (await res.json()) as { refresh_token: string };
  const accessB = jwt({ exp: Math.floor(Date.now() / 1000) + 7200, n: 'b' });
  writeAuth(accessB, b.refresh_token);
  const obs = await refresh.run(ctx);
  t.is(resultOf(obs), 'ok');
  t.like(profile().p, { access: accessB, refresh: b.refresh_token, accountId: 'acct-1' });
  t.deepEqual(server.presentedRefreshTokens, [a.refresh], 'aipro presented a refresh token of an imported profile');

  // The gateway saw accessB refused (401): the same token is no answer; nothing is sent.
  t.like(
    await refreshProfile({ storePath, profileId: ID, config, env, now: Date.now, force: true, seenAccess: accessB }),
    { ok: false, reason: 'source_stale', permanent: false },
  );
  t.deepEqual(server.presentedRefreshTokens, [a.refresh]);

  // Expired here and nothing newer in the source: a transient error that names both ways out.
  await updateStore(storePath, (s) => {
    (s.profiles[ID] as { expires: number }).expires = Date.now() - 1000;
    return { store: s, result: undefined };
  });
  const stale = await refresh.run(ctx);
  t.is(resultOf(stale), 'error');
  const detail = stale[0]?.kind === 'refresh' ? (stale[0].detail ?? '') : '';
  t.regex(detail, /run `codex` once/);
  t.regex(detail, /aipro models auth detach openai-codex:codex/);
  t.deepEqual(server.presentedRefreshTokens, [a.refresh]);

  // Detach: aipro becomes the refresher and refreshes with the current refresh token.
  const help = await runCli(['models', 'auth', 'detach', '--help'], { env });
  t.regex(help.stdout, /Imported profiles are not refreshed by aipro/);
  t.regex(help.stdout, /Examples:\n {2}aipro models auth detach anthropic:claude-code/);
  const det = await runCli(['models', 'auth', 'detach', ID], { env });
  t.is(det.code, 0, det.stderr);
  t.regex(det.stdout, /detached from .*auth\.json; aipro refreshes it from now on/);
  t.is(profile().p?.importedFrom, undefined);
  t.is(resultOf(await refresh.run(ctx)), 'ok');
  t.deepEqual(server.presentedRefreshTokens, [a.refresh, b.refresh_token]);
  t.not(profile().p?.refresh, b.refresh_token);
  // Detaching twice, or a profile that does not exist, is an error that says why.
  const again = await runCli(['models', 'auth', 'detach', ID], { env });
  t.is(again.code, 1);
  t.regex(again.stderr, /not imported .*nothing to detach/);
  const missing = await runCli(['models', 'auth', 'detach', 'openai-codex:nope'], { env });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /not in .*models auth list/);
  const all = log.lines.join('\n') + JSON.stringify([obs, stale]) + det.stdout + det.stderr;
  for (const s of [a.refresh as string, b.refresh_token, accessA, accessB]) t.false(all.includes(s), 'a token leaked');
});

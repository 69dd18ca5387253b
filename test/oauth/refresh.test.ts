import test from 'ava';
import { reportSettings } from '../../src/config/models.js';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { refreshProfile } from '../../src/oauth/refresh.js';
import { agentReport } from '../../src/store/report.js';
import { readStore } from '../../src/store/read.js';
import { freePort } from '../helpers/net.js';
import { loginTokens, oauthConfigRaw, serverAndHome } from './helpers.js';
import { configFrom } from '../helpers/config.js';
import { workerArgs } from '../helpers/child.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./fixtures/refresh-worker.ts', import.meta.url));
const ID = 'openai-codex:me@example.com';

async function setup(t: { teardown(fn: () => void | Promise<void>): void }, expiresIn = 3_600_000) {
  const { server, h } = await serverAndHome(t);
  const tokens = await loginTokens(server);
  const storePath = h.writeStore({
    version: 1,
    profiles: {
      [ID]: {
        type: 'oauth',
        provider: 'openai-codex',
        access: tokens.access,
        refresh: tokens.refresh,
        expires: Date.now() + expiresIn,
        email: tokens.email,
      },
    },
  });
  const raw = oauthConfigRaw(server);
  return { server, h, tokens, storePath, raw, config: configFrom(raw) };
}

const profileOf = (storePath: string) => {
  const r = readStore(storePath);
  if (!r.ok) throw new Error(r.detail);
  return { profile: r.store.profiles[ID], stats: r.store.usageStats?.[ID] };
};

test('a fresh access token is not refreshed unless forced', async (t) => {
  const { server, storePath, config } = await setup(t);
  const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now });
  t.like(r, { ok: true, refreshed: false });
  t.deepEqual(server.presentedRefreshTokens, []);
  const forced = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true });
  t.like(forced, { ok: true, refreshed: true });
  t.is(server.presentedRefreshTokens.length, 1);
});

test('due tokens refresh; the rotated refresh token is stored and works', async (t) => {
  const { server, storePath, config, tokens } = await setup(t, 60_000);
  const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now });
  t.like(r, { ok: true, refreshed: true });
  const { profile, stats } = profileOf(storePath);
  t.not(profile?.refresh, tokens.refresh);
  t.not(profile?.access, tokens.access);
  t.true((profile?.expires ?? 0) > Date.now() + 3_000_000);
  t.like(stats?.lastRefresh, { ok: true });
  t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true }), {
    ok: true,
    refreshed: true,
  });
  t.deepEqual(
    server.tokenResponses.filter((x) => x.startsWith('refresh_token')),
    ['refresh_token:ok', 'refresh_token:ok'],
  );
});

test('20 concurrent processes forcing a refresh: nothing lost, no refresh token presented twice', async (t) => {
  const { server, storePath, raw, h } = await setup(t);
  const configPath = join(h.home, 'worker-config.json');
  writeFileSync(configPath, JSON.stringify(raw));
  const outs = await Promise.all(
    Array.from({ length: 20 }, () =>
      run(process.execPath, [...workerArgs(WORKER), storePath, configPath, ID], { timeout: 90_000 }),
    ),
  );
  const results = outs.map((o) => JSON.parse(o.stdout.trim()) as { ok: boolean; refreshed?: boolean });
  t.true(
    results.every((r) => r.ok),
    JSON.stringify(results),
  );
  t.true(results.some((r) => r.refreshed));
  t.is(
    new Set(server.presentedRefreshTokens).size,
    server.presentedRefreshTokens.length,
    'a refresh token was presented twice',
  );
  t.false(
    server.tokenResponses.some((x) => x.endsWith('invalid_grant')),
    server.tokenResponses.join(','),
  );
  // The grant is intact: the stored refresh token still works.
  const config = configFrom(raw);
  t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true }), {
    ok: true,
    refreshed: true,
  });
  t.true(JSON.parse(readFileSync(storePath, 'utf8')).version === 1);
});

test('a revoked grant ends as refresh_failed with the re-authenticate hint', async (t) => {
  const { server, storePath, config, tokens, h } = await setup(t);
  const rev = await fetch(server.revocationUrl, {
    method: 'POST',
    body: new URLSearchParams({ token: tokens.refresh as string, client_id: server.clientId }),
  });
  t.is(rev.status, 200);
  const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true });
  t.like(r, { ok: false, reason: 'invalid_grant', permanent: true });
  if (!r.ok) t.regex(r.detail, /re-authenticate: aipro models auth login --provider openai-codex/);
  t.like(profileOf(storePath).stats?.lastRefresh, { ok: false, permanent: true, reason: 'invalid_grant' });
  const rep = agentReport(
    { id: 'main', storePath },
    reportSettings(config),
    {},
    { now: Date.now(), warnMs: 86_400_000 },
  );
  const row = rep.rows.find((x) => x.id === ID);
  t.is(row?.status, 'refresh_failed');
  t.is(
    row?.hint,
    're-authenticate: aipro models auth login --provider openai-codex --profile-id openai-codex:me@example.com ' +
      '--agent main',
  );
  t.false(JSON.stringify(r).includes(tokens.refresh as string));
  t.truthy(h);
});

test('a reused refresh token is refused permanently and the server revokes the whole family', async (t) => {
  const { server, storePath, config, tokens } = await setup(t);
  t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true }), {
    ok: true,
    refreshed: true,
  });
  const disk = JSON.parse(readFileSync(storePath, 'utf8'));
  const rotated = disk.profiles[ID].refresh as string;
  // A stale copy of the store puts the consumed refresh token back.
  disk.profiles[ID].refresh = tokens.refresh;
  writeFileSync(storePath, JSON.stringify(disk));
  const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true });
  t.like(r, { ok: false, permanent: true });
  t.true(!r.ok && ['invalid_grant', 'token_reused'].includes(r.reason));
  // Reuse detection: the rotated token of the same family is dead too.
  const res = await fetch(server.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rotated, client_id: server.clientId }),
  });
  t.is(((await res.json()) as { error?: string }).error, 'invalid_grant');
});

test('transient failures (network) are not permanent and keep the profile usable', async (t) => {
  const { storePath, raw } = await setup(t);
  const port = await freePort();
  (raw.models.providers['openai-codex'] as { oauth: { tokenUrl: string } }).oauth.tokenUrl =
    `http://127.0.0.1:${port}/token`;
  const config = configFrom(raw);
  const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true });
  t.like(r, { ok: false, reason: 'network', permanent: false });
  const rep = agentReport(
    { id: 'main', storePath },
    reportSettings(config),
    {},
    { now: Date.now(), warnMs: 86_400_000 },
  );
  t.is(rep.rows.find((x) => x.id === ID)?.status, 'ok');
});

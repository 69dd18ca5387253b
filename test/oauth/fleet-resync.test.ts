/**
 * An imported profile in the fleet store is re-synced from its CLI's file by the host that
 * imported it (written through the postgres backend, never to a local file) and by no other
 * host; nobody ever sends its refresh token.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { refreshProfile } from '../../src/oauth/refresh.js';
import { usePostgres } from '../helpers/postgres.js';
import { configFrom } from '../helpers/config.js';
import { fleetServerAndHome, oauthConfigRaw } from './helpers.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const ID = 'anthropic:claude-code';

test('only the importing host re-syncs an imported fleet profile, through the fleet store', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const { server, h, b } = await fleetServerAndHome(t, url);
  // Claude Code on host gw-a refreshed its own login: its file holds a newer token.
  const dir = join(h.home, '.claude');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '.credentials.json');
  const later = Date.now() + 7_200_000;
  writeFileSync(
    file,
    JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-NEW', refreshToken: 'R2', expiresAt: later } }),
  );
  await b.update({ id: 'main', storePath: '' }, (s) => {
    s.profiles[ID] = {
      type: 'oauth',
      provider: 'anthropic',
      access: 'sk-ant-oat01-OLD',
      refresh: 'R1',
      expires: Date.now() - 1000,
      importedFrom: { source: 'claude-code', path: file, mtimeMs: 0, sha256: 'x', at: 0, host: 'gw-a' },
    } as never;
    return { store: s, result: undefined };
  });
  const refresh = (host: string) =>
    refreshProfile({
      storePath: h.storePath(),
      profileId: ID,
      config: configFrom(oauthConfigRaw(server, 'anthropic')),
      env: { HOME: h.home, AIPRO_HOST_ID: host },
      now: Date.now,
      store: { backend: b, agentId: 'main' },
    });

  const elsewhere = await refresh('gw-b');
  t.like(elsewhere, { ok: false, reason: 'imported' });
  t.regex(
    elsewhere.ok ? '' : elsewhere.detail,
    /local CLI on host gw-a .*aipro models auth detach anthropic:claude-code/,
  );

  const here = await refresh('gw-a');
  t.like(here, { ok: true, access: 'sk-ant-oat01-NEW', refreshed: true, synced: true });
  const read = await b.read({ id: 'main', storePath: '' });
  t.like(read.ok ? read.store.profiles[ID] : undefined, {
    access: 'sk-ant-oat01-NEW',
    refresh: 'R2',
    expires: later,
    importedFrom: { host: 'gw-a' },
  });
  t.deepEqual(server.presentedRefreshTokens, [], 'no host sent a refresh token of an imported profile');
  t.false(existsSync(h.storePath()), 'nothing was written to a local file');
});

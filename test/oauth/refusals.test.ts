/**
 * Refresh refusals that only a new login fixes: recognised in every place a token endpoint
 * puts them and at any HTTP status, never retried, and the refused refresh token is never
 * presented again by any process until new tokens replace it.
 */
import { reportSettings } from '../../src/config/models.js';
import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { refresh } from '../../monitors/refresh.js';
import type { MonitorContext } from '../../monitors/types.js';
import { classifyTokenError } from '../../src/oauth/token-endpoint.js';
import { refreshProfile } from '../../src/oauth/refresh.js';
import { readStore } from '../../src/store/read.js';
import { agentReport } from '../../src/store/report.js';
import { updateStore } from '../../src/store/write.js';
import { startTokenEndpoint } from '../helpers/oauth-server.js';
import { tempHome } from '../helpers/tmp.js';
import { loginTokens, oauthConfigRaw, serverAndHome } from './helpers.js';
import { configFrom } from '../helpers/config.js';
import { workerArgs } from '../helpers/child.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./fixtures/refresh-worker.ts', import.meta.url));
const CODES = ['refresh_token_expired', 'refresh_token_reused', 'refresh_token_invalidated', 'invalid_grant'];
const SHAPES: ((c: string) => unknown)[] = [
  (c) => ({ error: c, error_description: 'refused' }),
  (c) => ({ error: { code: c, message: 'Your refresh token could not be used.', type: 'invalid_request_error' } }),
  (c) => ({ code: c, message: 'refused' }),
];

test('every permanent code, in error / error.code / code, at any status, is permanent', (t) => {
  for (const c of CODES)
    for (const shape of SHAPES)
      for (const status of [400, 401, 403, 409, 429, 500, 502]) {
        const r = classifyTokenError(status, JSON.stringify(shape(c)));
        t.true(r.permanent, `${c} ${JSON.stringify(shape(c))} at ${status}`);
      }
  t.like(classifyTokenError(400, JSON.stringify({ error: { code: 'refresh_token_expired' } })), {
    reason: 'token_expired',
    permanent: true,
  });
  t.like(classifyTokenError(401, JSON.stringify({ code: 'refresh_token_reused' })), { reason: 'token_reused' });
  // Transient answers stay transient.
  t.like(classifyTokenError(503, JSON.stringify({ error: 'server_error' })), { permanent: false });
  t.like(classifyTokenError(429, JSON.stringify({ error: { code: 'rate_limit_exceeded' } })), { permanent: false });
});

/** A form-encoded token endpoint (like OpenAI's) that answers whatever the test sets. */
async function scriptedEndpoint(t: { teardown(fn: () => Promise<void>): void }) {
  const ep = await startTokenEndpoint({
    accepts: 'form',
    reply: () => ({ status: 400, json: { error: { code: 'refresh_token_expired', message: 'expired' } } }),
  });
  t.teardown(ep.close);
  return ep;
}

const ID = 'openai-codex:me@example.com';

test(
  'refresh_token_expired on a 400 (and a 200 carrying only an error) is refresh_failed, never ' + 'retried',
  async (t) => {
    const ep = await scriptedEndpoint(t);
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const raw = { models: { providers: { 'openai-codex': { oauth: { tokenUrl: ep.url } } } } };
    const config = configFrom(raw);
    for (const [i, answer] of [
      { status: 400, body: { error: { code: 'refresh_token_expired', message: 'expired' } } },
      { status: 200, body: { code: 'refresh_token_invalidated' } },
    ].entries()) {
      ep.reply = () => ({ status: answer.status, json: answer.body });
      const storePath = h.writeStore(
        {
          version: 1,
          profiles: {
            [ID]: {
              type: 'oauth',
              provider: 'openai-codex',
              access: 'at',
              refresh: `rt-canary-${i}`,
              expires: Date.now() - 1000,
            },
          },
        },
        `a${i}`,
      );
      const r = await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now });
      t.like(r, { ok: false, permanent: true });
      const rep = agentReport(
        { id: `a${i}`, storePath },
        reportSettings(config),
        {},
        { now: Date.now(), warnMs: 86_400_000 },
      );
      t.is(rep.rows.find((x) => x.id === ID)?.status, 'refresh_failed');
      // The monitor, a forced refresh, and another process: none sends the token again.
      const log = () => undefined;
      const ctx: MonitorContext = {
        config,
        env: {},
        now: Date.now,
        agents: [{ id: `a${i}`, storePath, isDefault: true }],
        log: { info: log, warn: log, error: log },
      };
      t.deepEqual(await refresh.run(ctx), []);
      t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true }), {
        ok: false,
        permanent: true,
      });
      const configPath = join(h.home, `cfg-${i}.json`);
      writeFileSync(configPath, JSON.stringify(raw));
      const out = await run(process.execPath, [...workerArgs(WORKER), storePath, configPath, ID], {
        timeout: 60_000,
      });
      t.like(JSON.parse(out.stdout), { ok: false, permanent: true });
      t.deepEqual(
        ep.presented.filter((s) => s === `rt-canary-${i}`),
        [`rt-canary-${i}`],
      );
    }
  },
);

test(
  'a refused refresh token stays unsent until a new login replaces it (real OAuth server, reuse ' + 'detection)',
  async (t) => {
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
          expires: Date.now() - 1000,
        },
      },
    });
    const config = configFrom(oauthConfigRaw(server));
    await fetch(server.revocationUrl, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refresh as string, client_id: server.clientId }),
    });
    t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now }), {
      ok: false,
      reason: 'invalid_grant',
      permanent: true,
    });
    for (let i = 0; i < 3; i++)
      t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now, force: true }), {
        ok: false,
        permanent: true,
      });
    t.is(server.presentedRefreshTokens.filter((x) => x === tokens.refresh).length, 1);
    const read = readStore(storePath);
    t.regex((read.ok && read.store.usageStats?.[ID]?.lastRefresh?.refusedRefreshHash) || '', /^[0-9a-f]{8,}$/);
    t.false(JSON.stringify(read.ok ? read.store.usageStats : {}).includes(tokens.refresh as string));

    // New tokens (a login or an import) lift it: the marker names the refused token only.
    const fresh = await loginTokens(server);
    await updateStore(storePath, (store) => {
      store.profiles[ID] = {
        ...store.profiles[ID],
        type: 'oauth',
        provider: 'openai-codex',
        access: fresh.access,
        refresh: fresh.refresh as string,
        expires: Date.now() - 1000,
      };
      return { store, result: undefined };
    });
    t.like(await refreshProfile({ storePath, profileId: ID, config, env: {}, now: Date.now }), {
      ok: true,
      refreshed: true,
    });
  },
);

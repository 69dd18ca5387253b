import test from 'ava';
import { refresh } from '../../monitors/refresh.js';
import type { MonitorContext } from '../../monitors/types.js';
import { loginTokens, oauthConfigRaw, serverAndHome } from './helpers.js';
import { configFrom } from '../helpers/config.js';
import { captureLog } from '../helpers/log.js';

test('refresh monitor: refreshes due tokens, leaves fresh ones, reports a revoked grant as failed', async (t) => {
  const { server, h } = await serverAndHome(t);
  const due = await loginTokens(server, 'due');
  const fresh = await loginTokens(server, 'fresh');
  const revoked = await loginTokens(server, 'gone');
  await fetch(server.revocationUrl, {
    method: 'POST',
    body: new URLSearchParams({ token: revoked.refresh as string, client_id: server.clientId }),
  });
  const p = (tk: typeof due, expires: number) => ({
    type: 'oauth',
    provider: 'openai-codex',
    access: tk.access,
    refresh: tk.refresh,
    expires,
  });
  const storePath = h.writeStore({
    version: 1,
    profiles: {
      'openai-codex:due': p(due, Date.now() + 60_000),
      'openai-codex:fresh': p(fresh, Date.now() + 3_600_000),
      'openai-codex:gone': p(revoked, Date.now() - 1000),
    },
  });
  const log = captureLog();
  const ctx: MonitorContext = {
    config: configFrom(oauthConfigRaw(server)),
    env: {},
    now: Date.now,
    agents: [{ id: 'main', storePath, isDefault: true }],
    log,
  };
  const obs = await refresh.run(ctx);
  t.deepEqual(obs.map((o) => (o.kind === 'refresh' ? `${o.profile}=${o.result}` : '')).sort(), [
    'openai-codex:due=ok',
    'openai-codex:gone=failed',
  ]);
  // A recorded permanent refusal is not retried on every cycle.
  const again = await refresh.run(ctx);
  t.deepEqual(again, []);
  const all = log.lines.join('\n') + JSON.stringify(obs);
  for (const tk of [due, fresh, revoked]) {
    t.false(all.includes(tk.access));
    t.false(all.includes(tk.refresh as string));
  }
});

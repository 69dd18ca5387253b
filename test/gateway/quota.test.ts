/**
 * The gateway reads the rate-limit headers of every upstream answer: it records the quota per
 * profile (batched, no write per request) and skips a profile whose window is spent until the
 * provider's own reset, which `/model status` shows. A fake upstream sends the headers.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicError, anthropicOk } from '../helpers/provider-bodies.js';

const msg = (text = 'hi') => ({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: text }] });
const readStoreJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const TWO = {
  version: 1,
  profiles: {
    'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
    'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
  },
  order: { anthropic: ['anthropic:work', 'anthropic:default'] },
};

test(
  'a success whose headers show a spent window (remaining 0): the next request skips that profile until the ' + 'reset',
  async (t) => {
    const reset = new Date(Date.now() + 10 * 60_000);
    reset.setUTCMilliseconds(0);
    const spentHeaders = {
      'anthropic-ratelimit-tokens-limit': '1000',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': reset.toISOString(),
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '40',
    };
    const up = await startUpstream((secret) =>
      secret === CANARY.antWork ? { ...anthropicOk('from work'), headers: spentHeaders } : anthropicOk('from default'),
    );
    const gw = await startTestGateway({
      config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
      store: TWO,
    });
    t.teardown(async () => {
      await gw.cleanup();
      await up.close();
    });
    const r1 = await post(`${gw.url}/v1/messages`, msg());
    t.is(r1.status, 200);
    t.is(r1.headers.get('x-aipro-auth-profile'), 'anthropic:work');
    const r2 = await post(`${gw.url}/v1/messages`, msg());
    t.is(r2.status, 200);
    t.is(r2.headers.get('x-aipro-auth-profile'), 'anthropic:default', 'the spent profile is skipped');
    t.deepEqual(
      up.requests.map((s) => s.secret),
      [CANARY.antWork, CANARY.antDefault],
    );

    const status = await post(`${gw.url}/v1/messages`, msg('/model status'));
    const text = status.json.content[0].text as string;
    t.regex(
      text,
      new RegExp(
        `anthropic:work \\[api_key, static, quota tokens spent until ${reset.toISOString().replace('.000Z', 'Z')}`,
      ),
    );
    t.regex(text, /next auth profile: anthropic:default/);
    t.regex(text, /Cooldowns: anthropic:work until \S+ \(quota tokens spent, the provider's reset\)/);

    await gw.gateway.close();
    const store = readStoreJson(gw.home.storePath());
    const q = store.usageStats['anthropic:work'].quota;
    t.is(q.windows.find((w: { window: string }) => w.window === 'tokens').utilization, 100);
    t.is(q.windows.find((w: { window: string }) => w.window === 'requests').utilization, 20);
    t.is(q.windows.find((w: { window: string }) => w.window === 'tokens').resetsAt, reset.getTime());
    t.is(store.usageStats['anthropic:work'].cooldownUntil ?? 0, 0, 'a success never cools the profile down');
    t.deepEqual(leaks(JSON.stringify(store.usageStats) + gw.logs.join('\n')), []);
  },
);

test(
  'a 429 with unified-status rejected: the only profile is not tried again before the reset; the client gets 429 ' +
    'with that reset',
  async (t) => {
    const resetS = Math.floor(Date.now() / 1000) + 2 * 3600;
    const rejected = {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '1.0',
      'anthropic-ratelimit-unified-5h-reset': String(resetS),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    };
    const up = await startUpstream(() =>
      anthropicError(429, 'rate_limit_error', 'This request would exceed your rate limit.', rejected),
    );
    const gw = await startTestGateway({
      config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
      store: {
        version: 1,
        profiles: { 'anthropic:sub': { type: 'token', provider: 'anthropic', token: CANARY.antToken } },
      },
    });
    t.teardown(async () => {
      await gw.cleanup();
      await up.close();
    });
    const r1 = await post(`${gw.url}/v1/messages`, msg());
    t.is(r1.status, 429);
    t.is(up.requests.length, 1);
    await gw.gateway.runtime.usage.flush(); // failures are written off the request path
    const store = readStoreJson(gw.home.storePath());
    t.is(store.usageStats['anthropic:sub'].quota.status, 'rejected', 'written with the failure, at once');

    const r2 = await post(`${gw.url}/v1/messages`, msg());
    t.is(up.requests.length, 1, 'the spent profile is skipped: no request spent on a refusal');
    t.is(r2.status, 429);
    const retryAfter = Number(r2.headers.get('retry-after'));
    const expected = resetS - Date.now() / 1000;
    t.true(Math.abs(retryAfter - expected) <= 5, `retry-after ${retryAfter} ~ ${expected}`);
    t.regex(r2.json.error.message, /quota of every credential is spent/);
    t.regex(
      r2.json.error.message,
      /anthropic:sub \(anthropic\/claude-sonnet-4-5\): quota_exhausted — quota window 5h spent until/,
    );

    const status = await post(`${gw.url}/v1/messages`, msg('/model status'));
    t.regex(status.json.content[0].text as string, /anthropic:sub \[token, static, quota 5h spent until /);
    t.deepEqual(leaks(r1.text + r2.text + gw.logs.join('\n')), []);
  },
);

test('allowed_warning at 95 % is recorded but never blocks; a pinned spent profile is still used', async (t) => {
  const resetS = Math.floor(Date.now() / 1000) + 3600;
  const up = await startUpstream((secret) =>
    secret === CANARY.antWork
      ? {
          ...anthropicOk('work'),
          headers: {
            'anthropic-ratelimit-unified-status': 'allowed_warning',
            'anthropic-ratelimit-unified-5h-utilization': '1.0',
            'anthropic-ratelimit-unified-5h-reset': String(resetS),
          },
        }
      : anthropicOk('default'),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: TWO,
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  for (let i = 0; i < 2; i++)
    t.is((await post(`${gw.url}/v1/messages`, msg())).headers.get('x-aipro-auth-profile'), 'anthropic:work');
  t.is(up.requests.length, 2);
});

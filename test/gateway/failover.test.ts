/** Credential selection and failover against fake upstreams on port 0. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { startUpstream } from '../helpers/fake-providers.js';
import { CLAUDE_CODE_ONLY_MESSAGE } from '../helpers/provider-bodies.js';
import { CANARY, leaks, post, startTestGateway } from '../helpers/gateway.js';
import { rotatingTokens, startTokenEndpoint } from '../helpers/oauth-server.js';
import { anthropicError, anthropicOk, openaiOk } from '../helpers/provider-bodies.js';

const msg = (text = 'hi') => ({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: text }] });
const chat = (model = 'gpt', text = 'hi') => ({ model, messages: [{ role: 'user', content: text }] });
const readStoreJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('a 429 on the first profile fails over to the second and cools the first down', async (t) => {
  const up = await startUpstream((secret) =>
    secret === CANARY.antWork
      ? anthropicError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.', {
          'retry-after': '17',
        })
      : anthropicOk(),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
      order: { anthropic: ['anthropic:work', 'anthropic:default'] },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const before = Date.now();
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:default');
  t.is(r.json.content[0].text, 'hello from upstream');
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [CANARY.antWork, CANARY.antDefault],
  );
  t.is(up.requests[0]?.body.model, 'claude-sonnet-4-5', 'the alias is resolved to the upstream model id');
  await gw.gateway.runtime.usage.flush(); // failures are written off the request path
  const store = readStoreJson(gw.home.storePath());
  const work = store.usageStats['anthropic:work'];
  t.true(work.cooldownUntil >= before + 30_000, 'first profile is cooling down');
  t.is(work.failureCounts.rate_limit, 1);
  // The next request goes straight to the profile that is not cooling down.
  const r2 = await post(`${gw.url}/v1/messages`, msg());
  t.is(r2.headers.get('x-aipro-auth-profile'), 'anthropic:default');
  t.is(up.requests.length, 3);
  await gw.gateway.close();
  const after = readStoreJson(gw.home.storePath());
  t.is(after.lastGood.anthropic, 'anthropic:default');
  t.true(after.usageStats['anthropic:default'].lastUsed >= before);
  t.deepEqual(leaks(r.text + r2.text + JSON.stringify([...r.headers]) + gw.logs.join('\n')), []);
});

test('a 401 on an OAuth profile triggers exactly one refresh and a successful retry', async (t) => {
  const tokens = await startTokenEndpoint({ accepts: 'json', reply: rotatingTokens('fresh') });
  const up = await startUpstream((secret) =>
    secret?.startsWith('fresh-access-')
      ? anthropicOk('after refresh')
      : anthropicError(401, 'authentication_error', `Invalid bearer token ${secret}`),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url, oauth: { tokenUrl: tokens.url } } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:sub': {
          type: 'oauth',
          provider: 'anthropic',
          access: CANARY.oauthAccess,
          refresh: CANARY.oauthRefresh,
          expires: Date.now() + 3_600_000,
        },
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
    await tokens.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:sub', 'oauth goes first and is kept after the refresh');
  t.is(r.json.content[0].text, 'after refresh');
  t.deepEqual(tokens.presented, [CANARY.oauthRefresh], 'exactly one refresh');
  t.deepEqual(
    up.requests.map((s) => s.secret?.slice(0, 13)),
    [CANARY.oauthAccess.slice(0, 13), 'fresh-access-'],
  );
  t.is(up.requests[1]?.headers['anthropic-beta'], 'oauth-2025-04-20');
  const store = readStoreJson(gw.home.storePath());
  t.true(store.profiles['anthropic:sub'].access.startsWith('fresh-access-1'));
  t.deepEqual(leaks(r.text + gw.logs.join('\n')), []);
});

test('the Claude-Code-only refusal moves on to the API-key profile', async (t) => {
  const up = await startUpstream((secret) =>
    secret === CANARY.antToken ? anthropicError(403, 'permission_error', CLAUDE_CODE_ONLY_MESSAGE) : anthropicOk(),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:manual': { type: 'token', provider: 'anthropic', token: CANARY.antToken },
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:default');
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [CANARY.antToken, CANARY.antDefault],
    'token (subscription) first, then the key',
  );
  await gw.gateway.runtime.usage.flush(); // failures are written off the request path
  const store = readStoreJson(gw.home.storePath());
  t.is(store.usageStats['anthropic:manual'].failureCounts.auth_permanent, 1);
});

test('Google\'s 400 "API key not valid" is a refused credential: the gateway fails over to the next key', async (t) => {
  const bad = 'AIzaSyBAD-google-key-0000000000000000000';
  const good = 'AIzaSyGOOD-google-key-000000000000000000';
  const googleBadKey = {
    status: 400,
    json: {
      error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' },
    },
  };
  const up = await startUpstream((secret) => (secret === bad ? googleBadKey : openaiOk()));
  const gw = await startTestGateway({
    config: { models: { providers: { google: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'google:old': { type: 'api_key', provider: 'google', key: bad },
        'google:new': { type: 'api_key', provider: 'google', key: good },
      },
      order: { google: ['google:old', 'google:new'] },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/chat/completions`, chat('google/gemini-2.5-flash'));
  t.is(r.status, 200, r.text);
  t.is(r.headers.get('x-aipro-auth-profile'), 'google:new');
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [bad, good],
  );
  t.is(up.requests[0]?.path, '/v1beta/openai/chat/completions');
  await gw.gateway.runtime.usage.flush(); // failures are written off the request path
  const store = readStoreJson(gw.home.storePath());
  t.is(store.usageStats['google:old'].failureCounts.auth, 1, 'counted as a refused credential, not a bad request');
  t.true(store.usageStats['google:old'].cooldownUntil > 0);
  t.false((r.text + gw.logs.join('\n')).includes(bad), 'the key never appears in the answer or the logs');
});

test('every profile failing returns a clear error naming each profile, why, and the next command', async (t) => {
  const up = await startUpstream((secret) =>
    secret === CANARY.antWork
      ? anthropicError(429, 'rate_limit_error', 'slow down')
      : anthropicError(401, 'authentication_error', `invalid x-api-key ${secret}`),
  );
  const gw = await startTestGateway({
    config: {
      models: {
        providers: { anthropic: { baseUrl: up.url }, openai: { baseUrl: `${up.url}/v1` } },
        fallbacks: ['openai/gpt-4o'],
      },
    },
    store: {
      version: 1,
      profiles: {
        'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
      order: { anthropic: ['anthropic:work', 'anthropic:default'] },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 502);
  t.is(r.json.type, 'error');
  const m: string = r.json.error.message;
  t.regex(m, /anthropic:work \(anthropic\/claude-sonnet-4-5\): rate_limit, HTTP 429/);
  t.regex(m, /anthropic:default \(anthropic\/claude-sonnet-4-5\): auth, HTTP 401/);
  t.regex(m, /openai\/gpt-4o: unsupported_api/);
  t.regex(m, /aipro models status --probe/);
  t.is(r.json.aipro.attempts.length, 3);
  t.deepEqual(leaks(r.text + gw.logs.join('\n')), [], 'the echoed key is redacted');
  t.true(m.includes('[redacted]'));

  // Same thing in the OpenAI format on the chat endpoint.
  const c = await post(`${gw.url}/v1/chat/completions`, chat('sonnet'));
  t.true(c.status === 502 || c.status === 429);
  t.is(typeof c.json.error.message, 'string');
  t.regex(c.json.error.message, /aipro models status --probe|retry in/);
  t.deepEqual(leaks(c.text), []);
});

test('no credential at all: 503 naming the provider and how to add one', async (t) => {
  const gw = await startTestGateway({ config: {}, store: { version: 1, profiles: {} } });
  t.teardown(() => gw.cleanup());
  const r = await post(`${gw.url}/v1/chat/completions`, chat('openai/gpt-4o'));
  t.is(r.status, 503);
  t.regex(r.json.error.message, /no credential for openai/);
  t.regex(r.json.error.message, /aipro models auth add-key --provider openai/);
});

test('all profiles of the primary model fail: the fallback model serves, with an env credential', async (t) => {
  const ant = await startUpstream(() => anthropicError(529, 'overloaded_error', 'Overloaded'));
  const oai = await startUpstream((secret, req) =>
    secret === CANARY.oaiKey && req.path === '/v1/chat/completions'
      ? openaiOk('fallback answer')
      : { status: 401, json: { error: { message: 'bad key' } } },
  );
  const gw = await startTestGateway({
    config: {
      models: {
        default: 'anthropic/claude-sonnet-4-5',
        fallbacks: ['openai/gpt-4o'],
        providers: { anthropic: { baseUrl: ant.url }, openai: { baseUrl: `${oai.url}/v1` } },
      },
    },
    store: {
      version: 1,
      profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault } },
    },
    env: { OPENAI_API_KEY: CANARY.oaiKey },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await ant.close();
    await oai.close();
  });
  const r = await post(`${gw.url}/v1/chat/completions`, chat('sonnet'));
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'openai:env');
  t.is(r.headers.get('x-aipro-model'), 'openai/gpt-4o');
  t.is(ant.requests[0]?.path, '/v1/chat/completions', "Anthropic's OpenAI-compatible endpoint was tried first");
  t.is(oai.requests[0]?.body.model, 'gpt-4o');
  t.deepEqual(leaks(r.text + JSON.stringify([...r.headers])), []);
});

test('a request error (400) is passed through redacted, without failover or cooldown', async (t) => {
  const up = await startUpstream((secret) =>
    anthropicError(400, 'invalid_request_error', `max_tokens: field required (key ${secret})`),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 400);
  t.is(up.requests.length, 1);
  t.regex(r.text, /max_tokens: field required \(key \[redacted\]\)/);
  t.deepEqual(leaks(r.text), []);
  const store = readStoreJson(gw.home.storePath());
  t.falsy(store.usageStats?.['anthropic:a']?.cooldownUntil);
});

test('least recently used rotation among equal api keys', async (t) => {
  const up = await startUpstream(() => anthropicOk());
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const used: (string | null)[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await post(`${gw.url}/v1/messages`, msg());
    used.push(r.headers.get('x-aipro-auth-profile'));
    await new Promise((res) => setTimeout(res, 2));
  }
  t.deepEqual(used, ['anthropic:a', 'anthropic:b', 'anthropic:a', 'anthropic:b']);
});

test('an OAuth token about to expire is refreshed before the request (once)', async (t) => {
  const tokens = await startTokenEndpoint({ accepts: 'json', reply: rotatingTokens('pre') });
  const up = await startUpstream((secret) =>
    secret?.startsWith('pre-access-') ? anthropicOk() : anthropicError(401, 'authentication_error', 'expired'),
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url, oauth: { tokenUrl: tokens.url } } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:sub': {
          type: 'oauth',
          provider: 'anthropic',
          access: CANARY.oauthAccess,
          refresh: CANARY.oauthRefresh,
          expires: Date.now() + 60_000,
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
    await tokens.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(up.requests.length, 1, 'the old token was never sent');
  t.deepEqual(tokens.presented, [CANARY.oauthRefresh]);
  const r2 = await post(`${gw.url}/v1/messages`, msg());
  t.is(r2.status, 200);
  t.is(tokens.presented.length, 1, 'the fresh token is reused');
});

test('a billing-disabled profile is skipped and named in the error', async (t) => {
  const up = await startUpstream(() => anthropicError(500, 'api_error', 'boom'));
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
      },
      usageStats: { 'anthropic:a': { disabledUntil: Date.now() + 3_600_000, disabledReason: 'billing' } },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 502);
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [CANARY.antDefault],
  );
  t.regex(r.json.error.message, /anthropic:a \(anthropic\/claude-sonnet-4-5\): disabled — disabled \(billing\) until/);
  t.regex(r.json.error.message, /anthropic:b \(anthropic\/claude-sonnet-4-5\): timeout, HTTP 500/);
});

test('GET /v1/models, /healthz and unknown routes', async (t) => {
  const gw = await startTestGateway({
    config: { models: { aliases: { sonnet: 'anthropic/claude-sonnet-4-5', gpt: 'openai/gpt-4o' } } },
  });
  t.teardown(() => gw.cleanup());
  const o = (await (await fetch(`${gw.url}/v1/models`)).json()) as { object: string; data: { id: string }[] };
  t.is(o.object, 'list');
  t.deepEqual(
    o.data.map((m: { id: string }) => m.id),
    ['anthropic/claude-sonnet-4-5', 'openai/gpt-4o', 'gpt', 'sonnet'],
  );
  const a = (await (await fetch(`${gw.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json()) as {
    data: { type: string }[];
    has_more: boolean;
  };
  t.is(a.data[0]?.type, 'model');
  t.false(a.has_more);
  t.deepEqual(await (await fetch(`${gw.url}/healthz`)).json(), {
    status: 'ok',
    version: (await import('../../src/version.js')).VERSION,
  });
  const nf = await fetch(`${gw.url}/v1/embeddings`, { method: 'POST' });
  t.is(nf.status, 404);
  t.regex(((await nf.json()) as { error: { message: string } }).error.message, /POST \/v1\/chat\/completions/);
});

test(
  "an unreachable upstream (per-profile baseUrl) is the endpoint's failure: next profile, no " + 'cooldown',
  async (t) => {
    const { freePort } = await import('../helpers/net.js');
    const dead = await freePort();
    const up = await startUpstream(() => anthropicOk());
    const gw = await startTestGateway({
      config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
      store: {
        version: 1,
        profiles: {
          'anthropic:a': {
            type: 'api_key',
            provider: 'anthropic',
            key: CANARY.antWork,
            baseUrl: `http://127.0.0.1:${dead}`,
          },
          'anthropic:b': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
        },
        order: { anthropic: ['anthropic:a', 'anthropic:b'] },
      },
    });
    t.teardown(async () => {
      await gw.cleanup();
      await up.close();
    });
    const r = await post(`${gw.url}/v1/messages`, msg());
    t.is(r.status, 200);
    t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:b');
    t.is(
      readStoreJson(gw.home.storePath()).usageStats?.['anthropic:a']?.cooldownUntil,
      undefined,
      'a refused connection says nothing about the key',
    );
    t.true(gw.logs.some((l) => l.includes('gateway.endpoint_failed') && l.includes('ECONNREFUSED')));
  },
);

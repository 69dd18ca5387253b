/**
 * What a retrying client makes of the gateway's own errors, driven by the official SDKs
 * (`@anthropic-ai/sdk`, `openai`, default retry settings) against local fake upstreams:
 * refusals that no retry can cure end in one call, rate limits say when to come back
 * in the upstream's own terms, and every gateway-made answer carries a request id.
 */
import test from 'ava';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startUpstream, type Upstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, startTestGateway } from '../helpers/gateway.js';
import { anthropicError } from '../helpers/provider-bodies.js';

/** A fetch that counts the calls an SDK makes to the gateway. */
function countingFetch() {
  const calls: string[] = [];
  const f = (input: string | URL | Request, init?: RequestInit) => {
    calls.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  return { calls, fetch: f as typeof fetch };
}

const antStore = {
  version: 1,
  profiles: {
    'anthropic:a': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
    'anthropic:b': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
  },
  order: { anthropic: ['anthropic:a', 'anthropic:b'] },
};
const oaiB = `sk-proj-CANARYOPENAIB${'h'.repeat(40)}`;
const oaiStore = {
  version: 1,
  profiles: {
    'openai:a': { type: 'api_key', provider: 'openai', key: CANARY.oaiKey },
    'openai:b': { type: 'api_key', provider: 'openai', key: oaiB },
  },
  order: { openai: ['openai:a', 'openai:b'] },
};

async function setup(
  t: import('ava').ExecutionContext,
  provider: 'anthropic' | 'openai',
  answer: Parameters<typeof startUpstream>[0],
) {
  const up: Upstream = await startUpstream(answer);
  const gw = await startTestGateway({
    config: { models: { providers: { [provider]: { baseUrl: up.url } } } },
    store: provider === 'anthropic' ? antStore : oaiStore,
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  return { up, gw };
}

const unauthorized = () => anthropicError(401, 'authentication_error', 'invalid x-api-key');
const limited = () =>
  anthropicError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.', { 'retry-after': '7' });

test('Anthropic SDK, every key refused (401): one gateway call, each key tried once, request-id logged', async (t) => {
  const { up, gw } = await setup(t, 'anthropic', unauthorized);
  const counted = countingFetch();
  const client = new Anthropic({ baseURL: gw.url, apiKey: 'client-side', fetch: counted.fetch });
  const err = await t.throwsAsync(
    client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
  );
  t.true(err instanceof Anthropic.APIError);
  const e = err as InstanceType<typeof Anthropic.APIError>;
  t.is(e.status, 502);
  t.is(counted.calls.length, 1, 'x-should-retry: false stops the SDK retrying known-bad keys');
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [CANARY.antWork, CANARY.antDefault],
  );
  t.is(e.headers?.get('x-should-retry'), 'false');
  t.regex(e.requestID ?? '', /^req_aipro_[0-9a-f]{24}$/);
  t.true(
    gw.logs.some((l) => l.includes('gateway.exhausted') && l.includes(e.requestID as string)),
    'the id is in the log line of the request',
  );
  t.deepEqual(leaks(e.message + gw.logs.join('\n'), [oaiB]), []);
});

test('OpenAI SDK, every key refused (401): one gateway call, each key tried once, x-request-id', async (t) => {
  const { up, gw } = await setup(t, 'openai', unauthorized);
  const counted = countingFetch();
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-side', fetch: counted.fetch });
  const err = await t.throwsAsync(
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
  );
  t.true(err instanceof OpenAI.APIError);
  const e = err as InstanceType<typeof OpenAI.APIError>;
  t.is(e.status, 502);
  t.is(counted.calls.length, 1);
  t.deepEqual(
    up.requests.map((s) => s.secret),
    [CANARY.oaiKey, oaiB],
  );
  t.regex(e.requestID ?? '', /^req_aipro_[0-9a-f]{24}$/);
  t.true(gw.logs.some((l) => l.includes(e.requestID as string)));
});

for (const provider of ['anthropic', 'openai'] as const) {
  test(
    [
      `${provider} SDK, every key rate limited with upstream retry-after 7:`,
      'the gateway says ~7 s, not its cooldown',
    ].join(' '),
    async (t) => {
      const { up, gw } = await setup(t, provider, limited);
      const counted = countingFetch();
      const call =
        provider === 'anthropic'
          ? new Anthropic({
              baseURL: gw.url,
              apiKey: 'client-side',
              fetch: counted.fetch,
              maxRetries: 0,
            }).messages.create({
              model: 'claude-sonnet-4-5',
              max_tokens: 8,
              messages: [{ role: 'user', content: 'hi' }],
            })
          : new OpenAI({
              baseURL: `${gw.url}/v1`,
              apiKey: 'client-side',
              fetch: counted.fetch,
              maxRetries: 0,
            }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const e = (await t.throwsAsync(call)) as Error & {
        status?: number;
        headers?: Headers;
        requestID?: string | null;
      };
      t.is(e.status, 429);
      t.is(up.requests.length, 2);
      const after = Number(e.headers?.get('retry-after'));
      t.true(after >= 6 && after <= 7, `retry-after ${after}`);
      t.not(e.headers?.get('x-should-retry'), 'false', 'a rate limit lifts: retrying is right');
      t.regex(e.requestID ?? '', /^req_aipro_/);
    },
  );
}

test("every answer the gateway makes itself carries a request id under the API's header name", async (t) => {
  const gw = await startTestGateway({ config: {}, store: antStore, token: 'gw-token-0123456789' });
  t.teardown(() => gw.cleanup());
  const auth = { authorization: 'Bearer gw-token-0123456789', 'content-type': 'application/json' };
  const ids: string[] = [];
  const check = async (what: string, res: Response, header: 'request-id' | 'x-request-id', status: number) => {
    t.is(res.status, status, what);
    const id = res.headers.get(header) ?? '';
    t.regex(id, /^req_aipro_[0-9a-f]{24}$/, what);
    t.is(
      res.headers.get(header === 'request-id' ? 'x-request-id' : 'request-id'),
      null,
      `${what}: only the API's own header`,
    );
    ids.push(id);
  };
  await check(
    '401 without the gateway token',
    await fetch(`${gw.url}/v1/messages`, { method: 'POST', body: '{}' }),
    'request-id',
    401,
  );
  await check(
    '401 on the OpenAI route',
    await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{}' }),
    'x-request-id',
    401,
  );
  await check(
    '400 bad agent id',
    await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { ...auth, 'x-aipro-agent': '../x' },
      body: '{"messages":[]}',
    }),
    'request-id',
    400,
  );
  await check(
    '400 bad JSON',
    await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: '{' }),
    'x-request-id',
    400,
  );
  await check(
    '/model reply',
    await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: '/model status' }] }),
    }),
    'request-id',
    200,
  );
  await check(
    '404 unknown route',
    await fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: auth }),
    'request-id',
    404,
  );
  await check('GET /v1/models', await fetch(`${gw.url}/v1/models`, { headers: auth }), 'x-request-id', 200);
  t.is(new Set(ids).size, ids.length, 'one id per response');
  for (const id of ids.filter((_, i) => i !== 6))
    t.true(
      gw.logs.some((l) => l.includes(id)),
      `logged: ${id}`,
    );
});

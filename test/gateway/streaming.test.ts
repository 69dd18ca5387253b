/** SSE pass-through: events reach the client while the upstream is still writing. */
import test from 'ava';
import http from 'node:http';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, metricsMatching, startTestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/wait.js';
import { joinRe } from '../helpers/re.js';

/** POST and resolve with the first body chunk (and a promise of the rest). */
function firstChunk(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; first: string; rest: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.setEncoding('utf8');
      let all = '';
      const rest = new Promise<string>((r) => res.on('end', () => r(all)));
      res.once('data', (chunk: string) => {
        all += chunk;
        res.on('data', (c: string) => (all += c));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, first: chunk, rest });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const anthropicEvents = [
  'event: message_start\ndata: ' +
    '{"type":"message_start","message":{"id":"msg_up","type":"message","role":"assistant","content":[]}}\n\n',
  'event: content_block_delta\ndata: ' +
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

for (const api of ['anthropic', 'openai'] as const) {
  test(`${api}: the first SSE event reaches the client before the upstream finishes`, async (t) => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const events =
      api === 'anthropic'
        ? anthropicEvents
        : [
            'data: ' +
              '{"id":"c1","object":"chat.completion.chunk",' +
              '"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}\n\n',
            'data: ' +
              '{"id":"c1","object":"chat.completion.chunk",' +
              '"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n',
            'data: [DONE]\n\n',
          ];
    const up = await startUpstream(() => ({ stream: events, hold }));
    const gw = await startTestGateway({
      config: { models: { providers: { anthropic: { baseUrl: up.url }, openai: { baseUrl: `${up.url}/v1` } } } },
      store: {
        version: 1,
        profiles: {
          'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
          'openai:default': { type: 'api_key', provider: 'openai', key: CANARY.oaiKey },
        },
      },
    });
    t.teardown(async () => {
      release();
      await gw.cleanup();
      await up.close();
    });
    const path = api === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
    const model = api === 'anthropic' ? 'anthropic/claude-sonnet-4-5' : 'openai/gpt-4o';
    const r = await firstChunk(`${gw.url}${path}`, {
      model,
      stream: true,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    t.is(r.status, 200);
    t.regex(String(r.headers['content-type']), /text\/event-stream/);
    t.is(r.headers['x-aipro-auth-profile'], api === 'anthropic' ? 'anthropic:default' : 'openai:default');
    t.is(r.first, events[0] as string, 'exactly the first event, unbuffered');
    t.false(up.finished, 'the upstream is still holding the stream open');
    release();
    const all = await r.rest;
    t.is(all, events.join(''));
    t.true(up.finished);
    t.deepEqual(leaks(all), []);
  });
}

test('a client that disconnects mid-stream aborts the upstream request', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  const up = await startUpstream(() => ({ stream: anthropicEvents, hold }));
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault } },
    },
  });
  t.teardown(async () => {
    release();
    await gw.cleanup();
    await up.close();
  });
  const closed = new Promise<void>((resolve) => {
    const req = http.request(
      `${gw.url}/v1/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      },
    );
    req.on('error', () => undefined);
    req.end(
      JSON.stringify({ model: 'sonnet', stream: true, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    );
  });
  await closed;
  // Wait (bounded) until the gateway has noticed the disconnect, then let the upstream go on.
  const line = joinRe(
    '',
    /aipro_gateway_requests_total\{provider="anthropic",/,
    /model="anthropic\/claude-sonnet-4-5",outcome="client_closed"\} 1/,
  );
  t.regex(await metricsMatching(gw.url, line), line);
  await eventually(async () => up.aborted > 0, 30_000, 'the gateway to close its upstream connection', 20);
  t.is(up.aborted, 1, 'the gateway closed its upstream connection');
  release();
  t.false(up.finished);
});

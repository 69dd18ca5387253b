/**
 * The gateway serves `openai-codex` through the Codex backend's Responses API: the
 * official `openai` SDK talks chat completions to the gateway (JSON and streaming), the
 * fake backend only accepts Responses requests with the Bearer token and account id.
 */
import test from 'ava';
import OpenAI from 'openai';
import { CANARY, leaks, post, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  lastUserInput,
  startCodexBackend,
  type CodexBackend,
  type CodexReply,
  type SeenCodexRequest,
} from './codex-backend.js';
import { eventually } from '../helpers/wait.js';

const ACCOUNT = 'acct-0f3c9e2a-codex';
const MODEL = 'openai-codex/gpt-5.1-codex';

/** An unsigned JWT carrying `claims` (the gateway only reads claims, never verifies). */
function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.sig`;
}

async function setup(
  t: { teardown(fn: () => Promise<void>): void },
  reply: (req: SeenCodexRequest) => CodexReply,
  profile: Record<string, unknown> = { accountId: ACCOUNT },
  access = CANARY.oauthAccess,
): Promise<{ fake: CodexBackend; gw: TestGateway; client: OpenAI }> {
  const fake = await startCodexBackend({ token: access, accountId: ACCOUNT, reply });
  const gw = await startTestGateway({
    config: { models: { providers: { 'openai-codex': { baseUrl: fake.baseUrl } } } },
    store: {
      version: 1,
      profiles: {
        'openai-codex:me': {
          type: 'oauth',
          provider: 'openai-codex',
          access,
          refresh: CANARY.oauthRefresh,
          expires: Date.now() + 3_600_000,
          ...profile,
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await fake.close();
  });
  const client = new OpenAI({
    baseURL: `${gw.url}/v1`,
    apiKey: 'not-used-on-loopback',
    maxRetries: 0,
    timeout: 30_000,
  });
  return { fake, gw, client };
}

const echo = (req: SeenCodexRequest): CodexReply => ({ text: `You said: ${lastUserInput(req.body)}.` });

test(
  'openai SDK, JSON: the chat request reaches the Codex backend as a Responses request and the answer comes back ' +
    'as a chat completion',
  async (t) => {
    const { fake, client } = await setup(t, echo);
    const { data, response } = await client.chat.completions
      .create({
        model: MODEL,
        max_tokens: 64,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello codex' },
        ],
      })
      .withResponse();
    t.deepEqual(fake.refused, []);
    t.is(data.object, 'chat.completion');
    t.is(data.choices[0]?.message.content, 'You said: hello codex.');
    t.is(data.choices[0]?.message.role, 'assistant');
    t.is(data.choices[0]?.finish_reason, 'stop');
    t.deepEqual(data.usage, {
      prompt_tokens: 21,
      completion_tokens: 9,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    t.is(response.headers.get('x-aipro-auth-profile'), 'openai-codex:me');
    t.is(response.headers.get('x-aipro-model'), MODEL);
    t.regex(String(response.headers.get('content-type')), /application\/json/);

    const seen = fake.seen[0] as SeenCodexRequest;
    t.is(fake.seen.length, 1);
    t.is(seen.path, '/backend-api/codex/responses');
    t.is(seen.headers.authorization, `Bearer ${CANARY.oauthAccess}`);
    t.is(seen.headers['chatgpt-account-id'], ACCOUNT);
    t.is(seen.headers['openai-beta'], 'responses=experimental');
    t.is(seen.headers.originator, 'aipro');
    t.is(seen.headers.accept, 'text/event-stream');
    t.deepEqual(seen.body, {
      model: 'gpt-5.1-codex',
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello codex' }] }],
      stream: true,
      store: false,
    });
    t.deepEqual(leaks(JSON.stringify(data)), []);
  },
);

test('openai SDK, streaming: the first delta reaches the client while the backend holds the stream open', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  t.teardown(() => release());
  const { fake, client } = await setup(t, () => ({
    text: 'Hello there, operator',
    deltas: 3,
    holdAfterFirstDelta: hold,
  }));
  const stream = await client.chat.completions.create({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'hi' }],
  });
  const it = stream[Symbol.asyncIterator]();
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  while (!chunks.some((c) => c.choices[0]?.delta.content)) {
    const n = await it.next();
    if (n.done) break;
    chunks.push(n.value);
  }
  t.is(chunks[0]?.choices[0]?.delta.role, 'assistant');
  t.is(chunks.at(-1)?.choices[0]?.delta.content, 'Hello t');
  t.false(fake.finished, 'the backend is still holding its stream open');
  release();
  for (let n = await it.next(); !n.done; n = await it.next()) chunks.push(n.value);
  t.true(fake.finished);
  t.is(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello there, operator');
  t.true(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'resp_fake1'));
  const finals = chunks.filter((c) => c.choices[0]?.finish_reason);
  t.deepEqual(
    finals.map((c) => c.choices[0]?.finish_reason),
    ['stop'],
  );
  const last = chunks.at(-1);
  t.deepEqual(last?.choices, [], 'include_usage: a last chunk with no choices');
  t.is(last?.usage?.total_tokens, 30);
});

test('raw SSE: chat.completion.chunk events end with a finish_reason chunk and data: [DONE]', async (t) => {
  const { gw } = await setup(t, () => ({ text: 'abc', deltas: 3 }));
  const r = await post(`${gw.url}/v1/chat/completions`, {
    model: MODEL,
    stream: true,
    messages: [{ role: 'user', content: 'x' }],
  });
  t.is(r.status, 200);
  t.regex(String(r.headers.get('content-type')), /text\/event-stream/);
  t.is(r.headers.get('x-accel-buffering'), 'no');
  const events = r.text.split('\n\n').filter(Boolean);
  t.true(
    events.every((e) => e.startsWith('data: ')),
    'every event is a bare data line',
  );
  t.is(events.at(-1), 'data: [DONE]');
  const chunks = events
    .slice(0, -1)
    .map((e) => JSON.parse(e.slice(6)) as { choices: { delta: { content?: string }; finish_reason: string | null }[] });
  t.deepEqual(
    chunks.map((c) => c.choices[0]?.delta.content ?? null),
    [null, 'a', 'b', 'c', null].map((c, i) => (i === 0 ? '' : c)),
  );
  t.deepEqual(
    chunks.map((c) => c.choices[0]?.finish_reason),
    [null, null, null, null, 'stop'],
  );
});

test(
  'openai SDK: function calls come back as tool_calls (JSON and streaming) and tool results go up as ' +
    'function_call_output',
  async (t) => {
    const args = '{"city":"Paris","unit":"c"}';
    const { fake, client } = await setup(t, () => ({ toolCall: { name: 'get_weather', arguments: args } }));
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_prev', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_prev', content: '12C' },
    ];
    const json = await client.chat.completions.create({ model: MODEL, tools, tool_choice: 'auto', messages });
    t.is(json.choices[0]?.finish_reason, 'tool_calls');
    t.deepEqual(json.choices[0]?.message.tool_calls, [
      { id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: args } },
    ]);
    t.is(json.choices[0]?.message.content, null);

    const body = fake.seen[0]?.body as Record<string, unknown>;
    t.deepEqual(body.tools, [
      {
        type: 'function',
        name: 'get_weather',
        description: 'weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    t.is(body.tool_choice, 'auto');
    t.deepEqual((body.input as unknown[]).slice(1), [
      { type: 'function_call', call_id: 'call_prev', name: 'get_weather', arguments: '{"city":"Lyon"}' },
      { type: 'function_call_output', call_id: 'call_prev', output: '12C' },
    ]);

    // The SDK's own stream helper assembles the streamed tool call.
    const runner = client.chat.completions.stream({ model: MODEL, tools, messages });
    const final = await runner.finalChatCompletion();
    t.is(final.choices[0]?.finish_reason, 'tool_calls');
    t.is(final.choices[0]?.message.tool_calls?.[0]?.function.arguments, args);
    t.is(final.choices[0]?.message.tool_calls?.[0]?.id, 'call_fake1');
    t.deepEqual(fake.refused, []);
  },
);

test(
  'openai SDK: a response.failed from the backend becomes an API error (status for JSON, error event in the ' +
    'stream)',
  async (t) => {
    const { client } = await setup(t, () => ({
      failAfterCreated: { code: 'usage_limit_reached', message: 'The usage limit has been reached' },
    }));
    const e1 = await t.throwsAsync(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      { instanceOf: OpenAI.APIError },
    );
    t.is(e1?.status, 429);
    t.regex(String(e1?.message), /usage limit has been reached/);
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const e2 = await t.throwsAsync(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
      { instanceOf: OpenAI.APIError },
    );
    t.regex(String(e2?.message), /usage limit has been reached/);
  },
);

test('the account id comes from the access token claim when the profile stores none', async (t) => {
  const access = jwt({
    'https://api.openai.com/auth': { chatgpt_account_id: ACCOUNT },
    sub: 'auth0|not-an-account',
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  const { fake, client } = await setup(t, echo, {}, access);
  const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'claim' }] });
  t.is(r.choices[0]?.message.content, 'You said: claim.');
  t.is(fake.seen[0]?.headers['chatgpt-account-id'], ACCOUNT);
});

test('without any account id the profile is skipped with the login command, and nothing is sent', async (t) => {
  const { fake, gw } = await setup(t, echo, {});
  const r = await post(`${gw.url}/v1/chat/completions`, { model: MODEL, messages: [{ role: 'user', content: 'x' }] });
  t.is(r.status, 502);
  t.regex(
    r.json.error.message,
    /no ChatGPT account id for openai-codex:me.*aipro models auth login --provider openai-codex/,
  );
  t.is(fake.seen.length, 0);
  t.deepEqual(leaks(r.text), []);
});

test('the Anthropic endpoint does not serve openai-codex (skipped as another wire API)', async (t) => {
  const { fake, gw } = await setup(t, echo);
  const r = await post(`${gw.url}/v1/messages`, {
    model: MODEL,
    max_tokens: 8,
    messages: [{ role: 'user', content: 'x' }],
  });
  t.is(r.status, 503);
  t.regex(r.json.error.message, /codex-responses API/);
  t.is(fake.seen.length, 0);
});

test('a streaming client that goes away mid-answer closes the request to the Codex backend', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  t.teardown(() => release());
  const { fake, client } = await setup(t, () => ({ text: 'a long answer', holdAfterFirstDelta: hold }));
  const ctl = new AbortController();
  const stream = await client.chat.completions.create(
    { model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] },
    { signal: ctl.signal },
  );
  const it = stream[Symbol.asyncIterator]();
  for (let n = await it.next(); !n.done && !n.value.choices[0]?.delta.content; n = await it.next());
  ctl.abort();
  await eventually(async () => fake.aborted > 0, 30_000, 'the gateway to close its backend connection', 25);
  t.is(fake.aborted, 1, 'the gateway closed its backend connection');
  t.false(fake.finished);
});

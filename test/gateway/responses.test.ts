/** Chat Completions <-> Responses API translation (pure functions, table-driven). */
import test from 'ava';
import { chatError, chatUsage, finishReason } from '../../src/gateway/responses/chat.js';
import { ResponsesToChat, type ChatStreamItem } from '../../src/gateway/responses/events.js';
import { codexAccountId, translationFor } from '../../src/gateway/responses/index.js';
import {
  chatToResponses,
  clientWants,
  DEFAULT_INSTRUCTIONS,
  DROPPED,
  messageItems,
} from '../../src/gateway/responses/request.js';
import { SseParser } from '../../src/gateway/responses/sse.js';

type Json = Record<string, unknown>;

const REQUESTS: { name: string; body: Json; expect: Json }[] = [
  {
    name: 'system messages become instructions; user text becomes input_text',
    body: {
      messages: [
        { role: 'system', content: 'A.' },
        { role: 'developer', content: [{ type: 'text', text: 'B.' }] },
        { role: 'user', content: 'hi' },
      ],
    },
    expect: {
      model: 'm',
      instructions: 'A.\n\nB.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      stream: true,
      store: false,
    },
  },
  {
    name: 'no system message: the default instructions (the backend refuses empty ones)',
    body: { messages: [{ role: 'user', content: 'hi' }], stream: false },
    expect: {
      model: 'm',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      stream: true,
      store: false,
    },
  },
  {
    name: 'images and files in user content',
    body: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'see' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'low' } },
            { type: 'file', file: { file_id: 'file-1' } },
          ],
        },
      ],
    },
    expect: {
      model: 'm',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'see' },
            { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' },
            { type: 'input_file', file_id: 'file-1' },
          ],
        },
      ],
      stream: true,
      store: false,
    },
  },
  {
    name: 'assistant history is output_text; tool calls and results become function_call items',
    body: {
      messages: [
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'ok' }] },
      ],
    },
    expect: {
      model: 'm',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
      stream: true,
      store: false,
    },
  },
  {
    name: 'tools, tool_choice, parallel_tool_calls, reasoning_effort and response_format are translated',
    body: {
      messages: [],
      tools: [
        { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    },
    expect: {
      model: 'm',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [],
      stream: true,
      store: false,
      tools: [{ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      reasoning: { effort: 'high' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
    },
  },
  {
    name: 'json_object format; a missing messages list is an empty input',
    body: { response_format: { type: 'json_object' } },
    expect: {
      model: 'm',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [],
      stream: true,
      store: false,
      text: { format: { type: 'json_object' } },
    },
  },
];

for (const r of REQUESTS) {
  test(`request: ${r.name}`, (t) => {
    t.deepEqual(chatToResponses(r.body, 'm'), r.expect);
  });
}

test('request: every dropped chat field stays out of the Responses body; the client model is replaced', (t) => {
  const body: Json = { model: 'client-model', messages: [{ role: 'user', content: 'x' }] };
  for (const k of DROPPED) body[k] = k === 'stream_options' ? { include_usage: true } : 1;
  const out = chatToResponses(body, 'gpt-5.1-codex');
  for (const k of DROPPED) t.false(k in out, k);
  t.is(out.model, 'gpt-5.1-codex');
  t.deepEqual(Object.keys(out).sort(), ['input', 'instructions', 'model', 'store', 'stream']);
});

test('request: messages with unknown roles or shapes add no items', (t) => {
  for (const m of [null, 'x', { role: 'function', content: 'x' }, { role: 'system', content: 'x' }])
    t.deepEqual(messageItems(m), []);
});

test('request: what the client wants back', (t) => {
  t.deepEqual(clientWants({}), { stream: false, includeUsage: false });
  t.deepEqual(clientWants({ stream: true, stream_options: { include_usage: true } }), {
    stream: true,
    includeUsage: true,
  });
  t.deepEqual(clientWants({ stream: 'yes' }), { stream: false, includeUsage: false });
});

test('sse: events split at every possible byte give the same events (LF, CRLF, CR, comments, multi-line data)', (t) => {
  const text =
    ': keepalive\r\nevent: a\r\ndata: {"x":1}\r\n\r\ndata: line1\ndata: line2\n\nevent: b\ndata:no-space\n\ndata: ' +
    'cr only\r\r';
  const expected = [
    { event: 'a', data: '{"x":1}' },
    { data: 'line1\nline2' },
    { event: 'b', data: 'no-space' },
    { data: 'cr only' },
  ];
  for (let i = 0; i <= text.length; i++) {
    const p = new SseParser();
    t.deepEqual([...p.feed(text.slice(0, i)), ...p.feed(text.slice(i)), ...p.end()], expected, `split at ${i}`);
  }
});

test('sse: an event without its closing blank line still counts at the end of the stream', (t) => {
  const p = new SseParser();
  t.deepEqual(p.feed('data: 1\n\ndata: 2'), [{ data: '1' }]);
  t.deepEqual(p.end(), [{ data: '2' }]);
});

const OPTS = { model: 'gpt-x', fallbackId: 'chatcmpl-fallback', nowS: 100, includeUsage: false };
const created = {
  type: 'response.created',
  response: { id: 'resp_1', created_at: 42, model: 'gpt-5.1-codex', status: 'in_progress' },
};
const delta = (d: string, item = 'msg_1') => ({ type: 'response.output_text.delta', item_id: item, delta: d });
const completed = (extra: Json = {}) => ({
  type: 'response.completed',
  response: {
    id: 'resp_1',
    status: 'completed',
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    ...extra,
  },
});

/** Stream items as `[delta or error, finish_reason]` pairs (id/model checked separately). */
function shape(items: ChatStreamItem[]): unknown[] {
  return items.map((i) => {
    if (i === '[DONE]') return i;
    if ('error' in i) return { error: (i.error as Json).message };
    const c = (i.choices as Json[])[0];
    return c ? [c.delta, c.finish_reason] : { usage: i.usage };
  });
}

const STREAMS: { name: string; events: unknown[]; includeUsage?: boolean; stream: unknown[]; result: Json }[] = [
  {
    name: 'text deltas, then stop',
    events: [created, delta('Hel'), delta('lo'), completed()],
    stream: [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Hel' }, null],
      [{ content: 'lo' }, null],
      [{}, 'stop'],
      '[DONE]',
    ],
    result: { content: 'Hello', finish: 'stop' },
  },
  {
    name: 'include_usage adds a usage chunk with no choices before [DONE]',
    events: [created, delta('x'), completed()],
    includeUsage: true,
    stream: [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'x' }, null],
      [{}, 'stop'],
      { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
      '[DONE]',
    ],
    result: { content: 'x', finish: 'stop' },
  },
  {
    name: 'text only in output_item.done (never streamed) is still sent once',
    events: [
      created,
      delta('Hi'),
      {
        type: 'response.output_item.done',
        item: { id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: 'Hi there' }] },
      },
      completed(),
    ],
    stream: [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Hi' }, null],
      [{ content: ' there' }, null],
      [{}, 'stop'],
      '[DONE]',
    ],
    result: { content: 'Hi there', finish: 'stop' },
  },
  {
    name: 'output only in response.completed',
    events: [
      created,
      completed({ output: [{ id: 'msg_9', type: 'message', content: [{ type: 'output_text', text: 'late' }] }] }),
    ],
    stream: [[{ role: 'assistant', content: '' }, null], [{ content: 'late' }, null], [{}, 'stop'], '[DONE]'],
    result: { content: 'late', finish: 'stop' },
  },
  {
    name: 'a function call streamed as tool_calls deltas',
    events: [
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' },
      },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"a"' },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: ':1}' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
      },
      completed(),
    ],
    stream: [
      [{ role: 'assistant', content: '' }, null],
      [{ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, null],
      [{}, 'tool_calls'],
      '[DONE]',
    ],
    result: {
      content: null,
      finish: 'tool_calls',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    },
  },
  {
    name: 'incomplete for max_output_tokens is finish_reason length',
    events: [
      created,
      delta('cut'),
      {
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      },
    ],
    stream: [[{ role: 'assistant', content: '' }, null], [{ content: 'cut' }, null], [{}, 'length'], '[DONE]'],
    result: { content: 'cut', finish: 'length' },
  },
  {
    name: 'response.failed ends the stream with an error object (no [DONE])',
    events: [
      created,
      delta('par'),
      {
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'slow down' } },
      },
      delta('ignored'),
    ],
    stream: [[{ role: 'assistant', content: '' }, null], [{ content: 'par' }, null], { error: 'slow down' }],
    result: { status: 429, error: 'slow down' },
  },
  {
    name: 'an error event',
    events: [{ type: 'error', code: 'server_error', message: 'boom' }],
    stream: [{ error: 'boom' }],
    result: { status: 502, error: 'boom' },
  },
  {
    name: 'a stream that ends before response.completed is an error',
    events: [created, delta('half')],
    stream: [
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'half' }, null],
      { error: 'the upstream closed the stream before response.completed' },
    ],
    result: { status: 502, error: 'the upstream closed the stream before response.completed' },
  },
  {
    name: 'reasoning items and unknown events are left out; garbage is ignored',
    events: [
      created,
      { type: 'response.reasoning_summary_text.delta', delta: 'thinking' },
      null,
      'x',
      { type: 'response.output_text.done', text: 'ok' },
      delta('ok'),
      completed(),
    ],
    stream: [[{ role: 'assistant', content: '' }, null], [{ content: 'ok' }, null], [{}, 'stop'], '[DONE]'],
    result: { content: 'ok', finish: 'stop' },
  },
];

for (const s of STREAMS) {
  test(`events: ${s.name}`, (t) => {
    const tr = new ResponsesToChat({ ...OPTS, includeUsage: s.includeUsage ?? false });
    const items = [...s.events.flatMap((e) => tr.push(e)), ...tr.end()];
    t.deepEqual(shape(items), s.stream);
    const r = tr.result();
    if (r.ok) {
      const choice = (r.completion.choices as Json[])[0] as { message: Json; finish_reason: string };
      t.deepEqual(
        {
          content: choice.message.content,
          finish: choice.finish_reason,
          ...(choice.message.tool_calls ? { tool_calls: choice.message.tool_calls } : {}),
        },
        s.result,
      );
    } else {
      t.deepEqual({ status: r.error.status, error: r.error.body.error.message }, s.result);
    }
  });
}

test('events: ids, model and created come from the upstream response, else the fallbacks', (t) => {
  const tr = new ResponsesToChat(OPTS);
  const [first] = tr.push(created) as Json[];
  t.like(first, { id: 'resp_1', object: 'chat.completion.chunk', created: 42, model: 'gpt-5.1-codex' });
  const bare = new ResponsesToChat(OPTS);
  const [chunk] = bare.push(delta('x')) as Json[];
  t.like(chunk, { id: 'chatcmpl-fallback', created: 100, model: 'gpt-x' });
  bare.push(completed());
  const r = bare.result();
  t.true(r.ok);
  if (r.ok)
    t.like(r.completion, {
      id: 'resp_1',
      object: 'chat.completion',
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
});

test('usage, finish reasons and error statuses', (t) => {
  t.is(chatUsage(undefined), undefined);
  t.deepEqual(chatUsage({ input_tokens: 4, output_tokens: 6 }), {
    prompt_tokens: 4,
    completion_tokens: 6,
    total_tokens: 10,
  });
  const table: [unknown, boolean, string][] = [
    [{ status: 'completed' }, false, 'stop'],
    [{ status: 'completed' }, true, 'tool_calls'],
    [{ status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, false, 'content_filter'],
    [{ status: 'incomplete' }, false, 'length'],
    [undefined, false, 'stop'],
  ];
  for (const [resp, tools, want] of table) t.is(finishReason(resp, tools), want);
  const statuses: [unknown, number, string][] = [
    [{ code: 'usage_limit_reached', message: 'm' }, 429, 'rate_limit_exceeded'],
    [{ code: 'context_length_exceeded', message: 'm' }, 400, 'invalid_request_error'],
    [{ code: 'usage_not_included', message: 'm' }, 403, 'api_error'],
    [{ code: 'server_error', message: 'm' }, 502, 'api_error'],
    [undefined, 502, 'api_error'],
  ];
  for (const [err, status, type] of statuses) {
    const e = chatError(err, 'fallback');
    t.is(e.status, status);
    t.is(e.body.error.type, type);
  }
});

test('account id: the stored one first, else the access token claim, never the subject', (t) => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = (claims: Json) => `${b64({ alg: 'none' })}.${b64(claims)}.s`;
  t.is(
    codexAccountId({ accountId: 'stored' }, token({ 'https://api.openai.com/auth': { chatgpt_account_id: 'claim' } })),
    'stored',
  );
  t.is(codexAccountId({}, token({ 'https://api.openai.com/auth': { chatgpt_account_id: 'claim' } })), 'claim');
  t.is(codexAccountId({}, token({ sub: 'auth0|abc' })), undefined);
  t.is(codexAccountId({}, 'not-a-jwt'), undefined);
});

test('only chat completions served by the Codex Responses API are translated', (t) => {
  t.truthy(translationFor('openai', 'codex-responses', {}, 'm'));
  t.is(translationFor('openai', 'openai', {}, 'm'), null);
  t.is(translationFor('anthropic', 'codex-responses', {}, 'm'), null);
  const tr = translationFor('openai', 'codex-responses', { messages: [] }, 'm');
  const cred = {
    id: 'openai-codex:me',
    provider: 'openai-codex',
    type: 'oauth' as const,
    secret: { ok: true as const, value: 'x' },
    refreshable: true,
    accountId: 'acct',
  };
  t.deepEqual(tr?.headers(cred, 'x'), {
    ok: true,
    headers: {
      'chatgpt-account-id': 'acct',
      'openai-beta': 'responses=experimental',
      originator: 'aipro',
      accept: 'text/event-stream',
    },
  });
  const { accountId: _dropped, ...noAccount } = cred;
  const none = tr?.headers(noAccount, 'x');
  t.false(none?.ok);
});

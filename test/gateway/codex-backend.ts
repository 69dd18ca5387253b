/**
 * A fake ChatGPT Codex backend (port 0) that speaks only the Responses API, as the live
 * one does: `POST /backend-api/codex/responses`, Bearer token plus `ChatGPT-Account-Id`,
 * streaming required, `instructions` required, nothing stored, chat bodies refused. It
 * answers with the SSE events the live backend sends (`response.created` …
 * `response.output_text.delta` … `response.completed`).
 */
import express from 'express';
import { serve } from '../helpers/net.js';

type Json = Record<string, unknown>;

/** What one request is answered with. */
export type CodexReply =
  | { text: string; deltas?: number; holdAfterFirstDelta?: Promise<void>; usage?: Json }
  | { toolCall: { name: string; arguments: string }; text?: string }
  | { failAfterCreated: { code: string; message: string } }
  | { status: number; json: unknown };

export interface SeenCodexRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

export interface CodexBackend {
  /** Base URL to configure as `models.providers.openai-codex.baseUrl`. */
  baseUrl: string;
  seen: SeenCodexRequest[];
  /** Requests refused by the header/body checks, with the reason. */
  refused: string[];
  /** Set when a streamed answer has been fully written. */
  finished: boolean;
  /** Streams whose connection closed before they were fully written. */
  aborted: number;
  close(): Promise<void>;
}

const ev = (type: string, fields: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;

function response(status: string, extra: Json = {}): Json {
  return {
    id: 'resp_fake1',
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model: 'gpt-5.1-codex',
    output: [],
    ...extra,
  };
}

const USAGE = {
  input_tokens: 21,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 9,
  output_tokens_details: { reasoning_tokens: 2 },
  total_tokens: 30,
};

/** The SSE blocks of a text answer, cut into `deltas` pieces; the first block ends with the first delta. */
export function textEvents(text: string, deltas = 3, usage: Json = USAGE): string[] {
  const size = Math.max(1, Math.ceil(text.length / deltas));
  const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [''];
  const item = { id: 'msg_fake1', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
  const done = { ...item, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  const delta = (d: string) =>
    ev('response.output_text.delta', { item_id: 'msg_fake1', output_index: 0, content_index: 0, delta: d });
  return [
    ev('response.created', { response: response('in_progress') }) +
      ev('response.in_progress', { response: response('in_progress') }) +
      ev('response.output_item.added', { output_index: 0, item }) +
      ev('response.content_part.added', {
        item_id: 'msg_fake1',
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '' },
      }) +
      delta(pieces[0] ?? ''),
    ...pieces.slice(1).map(delta),
    ev('response.output_text.done', { item_id: 'msg_fake1', output_index: 0, content_index: 0, text }) +
      ev('response.content_part.done', {
        item_id: 'msg_fake1',
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text },
      }) +
      ev('response.output_item.done', { output_index: 0, item: done }) +
      ev('response.completed', { response: response('completed', { output: [done], usage }) }),
  ];
}

/** The SSE blocks of a function call answer (arguments streamed in two pieces). */
export function toolCallEvents(name: string, args: string): string[] {
  const item = {
    id: 'fc_fake1',
    type: 'function_call',
    status: 'in_progress',
    call_id: 'call_fake1',
    name,
    arguments: '',
  };
  const done = { ...item, status: 'completed', arguments: args };
  const half = Math.floor(args.length / 2);
  return [
    ev('response.created', { response: response('in_progress') }),
    ev('response.output_item.added', { output_index: 0, item }),
    ev('response.function_call_arguments.delta', { item_id: 'fc_fake1', output_index: 0, delta: args.slice(0, half) }),
    ev('response.function_call_arguments.delta', { item_id: 'fc_fake1', output_index: 0, delta: args.slice(half) }),
    ev('response.function_call_arguments.done', { item_id: 'fc_fake1', output_index: 0, arguments: args }),
    ev('response.output_item.done', { output_index: 0, item: done }),
    ev('response.completed', { response: response('completed', { output: [done], usage: USAGE }) }),
  ];
}

/** Why the live backend would refuse this request, or null. */
function refusal(
  h: Record<string, string | string[] | undefined>,
  body: Json,
  token: string,
  accountId: string,
): { status: number; detail: string } | null {
  if (h.authorization !== `Bearer ${token}`) return { status: 401, detail: 'missing or wrong bearer token' };
  if (h['chatgpt-account-id'] !== accountId) return { status: 403, detail: `ChatGPT-Account-Id must be ${accountId}` };
  if ('messages' in body) return { status: 400, detail: 'Unsupported parameter: messages' };
  if (body.stream !== true) return { status: 400, detail: 'Stream must be set to true' };
  if (typeof body.instructions !== 'string' || body.instructions === '')
    return { status: 400, detail: 'Instructions are required' };
  if (body.store !== false) return { status: 400, detail: 'Store must be set to false' };
  if ('max_output_tokens' in body || 'temperature' in body) return { status: 400, detail: 'Unsupported parameter' };
  return null;
}

export async function startCodexBackend(opts: {
  token: string;
  accountId: string;
  reply: (req: SeenCodexRequest) => CodexReply;
}): Promise<CodexBackend> {
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  const fake: CodexBackend = {
    baseUrl: '',
    seen: [],
    refused: [],
    finished: false,
    aborted: 0,
    close: async () => undefined,
  };
  app.post('/backend-api/codex/responses', async (req, res) => {
    const seen: SeenCodexRequest = { path: req.path, headers: { ...req.headers }, body: req.body as Json };
    fake.seen.push(seen);
    const bad = refusal(req.headers, seen.body, opts.token, opts.accountId);
    if (bad) {
      fake.refused.push(bad.detail);
      res.status(bad.status).json({ detail: bad.detail });
      return;
    }
    const r = opts.reply(seen);
    if ('status' in r) {
      res.status(r.status).json(r.json);
      return;
    }
    const blocks =
      'failAfterCreated' in r
        ? [
            ev('response.created', { response: response('in_progress') }),
            ev('response.failed', { response: response('failed', { error: r.failAfterCreated }) }),
          ]
        : 'toolCall' in r
          ? toolCallEvents(r.toolCall.name, r.toolCall.arguments)
          : textEvents(r.text, r.deltas, r.usage);
    const hold = 'holdAfterFirstDelta' in r ? r.holdAfterFirstDelta : undefined;
    res.on('close', () => {
      if (!fake.finished) fake.aborted++;
    });
    res.status(200).set({ 'content-type': 'text/event-stream', 'x-request-id': 'req_codex_fake' });
    res.flushHeaders();
    for (const [i, block] of blocks.entries()) {
      res.write(block);
      if (i === 0 && hold) await hold;
      if (res.destroyed) return;
    }
    fake.finished = true;
    res.end();
  });
  app.use((req, res) => {
    fake.refused.push(`no route ${req.method} ${req.path}`);
    res.status(404).json({ detail: 'Not Found' });
  });
  const served = await serve(app);
  fake.baseUrl = `${served.url}/backend-api`;
  fake.close = served.close;
  return fake;
}

/** The text of the last user message a Responses request carries. */
export function lastUserInput(body: Json): string {
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  const user = input.filter((i) => i.role === 'user').pop();
  const parts = Array.isArray(user?.content) ? (user.content as Json[]) : [];
  return parts.map((p) => (p.type === 'input_text' ? String(p.text) : '')).join('');
}

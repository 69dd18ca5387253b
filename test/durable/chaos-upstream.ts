/**
 * The fake Anthropic upstream of the chaos test (express on port 0). A request's user text
 * is `chaos <marker> <scenario>`; the scenario shapes the FIRST attempt of that marker only,
 * later attempts (after a failover) get a normal answer, so any request can still end in a
 * success. Each attempt's secret is kept, and its answer carries `request-id:
 * req_up_<marker>_<attempt>`, so the test can check which credential served a response.
 */
import express from 'express';
import { secretOf } from '../helpers/fake-providers.js';
import { serve } from '../helpers/net.js';

/** What the first attempt of a request meets (weights: `ok` is listed more than once). */
export const SCENARIOS = [
  'ok',
  'ok',
  'ok',
  'rate_limit',
  'overloaded',
  'server_error',
  'hang',
  'reset',
  'cut_headers',
  'truncate',
  'truncate',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The text a successful answer for `marker` carries (JSON content or SSE delta). */
export const answerText = (marker: string) => `answer for ${marker}`;

/** The SSE events of a complete streamed answer; the last one is `message_stop`. */
export function sseEvents(marker: string): string[] {
  const ev = (type: string, data: unknown) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...(data as object) })}\n\n`;
  return [
    ev('message_start', {
      message: {
        id: `msg_${marker}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        usage: { input_tokens: 3, output_tokens: 0 },
      },
    }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: answerText(marker) } }),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }),
    ev('message_stop', {}),
  ];
}

/** The JSON body of a successful non-streamed answer for `marker`. */
export function answerJson(marker: string): string {
  return JSON.stringify({
    id: `msg_${marker}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: answerText(marker) }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 4 },
  });
}

export interface ChaosUpstream {
  url: string;
  /** marker -> the secret each attempt carried, in order. */
  attempts: Map<string, (string | undefined)[]>;
  /** Every secret seen, from any request. */
  secrets: Set<string>;
  close(): Promise<void>;
}

const errorJson = (type: string) => ({ type: 'error', error: { type, message: `chaos upstream: ${type}` } });

export async function startChaosUpstream(): Promise<ChaosUpstream> {
  const app = express();
  app.use(express.json());
  const up: ChaosUpstream = { url: '', attempts: new Map(), secrets: new Set(), close: async () => undefined };
  app.post('/v1/messages', (req, res) => {
    const body = req.body as { stream?: boolean; messages?: { content?: unknown }[] };
    const m = /^chaos (\S+) (\S+)$/.exec(String(body.messages?.at(-1)?.content ?? ''));
    if (!m) return void res.status(400).json(errorJson('invalid_request_error'));
    const [, marker, scenario] = m as unknown as [string, string, Scenario];
    const secret = secretOf('anthropic', req.headers);
    if (secret !== undefined) up.secrets.add(secret);
    const seen = up.attempts.get(marker) ?? [];
    seen.push(secret);
    up.attempts.set(marker, seen);
    const first = seen.length === 1;
    const requestId = `req_up_${marker}_${seen.length}`;
    const events = sseEvents(marker);
    const json = answerJson(marker);
    const kind = first ? scenario : 'ok';
    const fail = (status: number, type: string, headers: Record<string, string> = {}) =>
      res
        .status(status)
        .set({ 'request-id': requestId, ...headers })
        .json(errorJson(type));
    switch (kind) {
      case 'rate_limit':
        return void fail(429, 'rate_limit_error', { 'retry-after': '1' });
      case 'overloaded':
        return void fail(529, 'overloaded_error');
      case 'server_error':
        return void fail(500, 'api_error');
      case 'hang':
        // Never answers: the gateway's headers deadline must end it.
        return;
      case 'reset':
        return void req.socket.destroy();
      case 'cut_headers':
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(json.length),
          'request-id': requestId,
        });
        res.flushHeaders();
        return void setImmediate(() => req.socket.destroy());
    }
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': requestId });
      // A truncated stream stops after its first event and the connection is cut.
      const send = kind === 'truncate' ? events.slice(0, 1) : events;
      return void res.write(send.join(''), () => (kind === 'truncate' ? req.socket.destroy() : res.end()));
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(json)),
      'request-id': requestId,
    });
    if (kind === 'truncate') res.write(json.slice(0, Math.floor(json.length / 2)), () => req.socket.destroy());
    else res.end(json);
  });
  const served = await serve(app);
  up.url = `${served.url}`;
  up.close = served.close;
  return up;
}

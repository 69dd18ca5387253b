/**
 * Fake model providers (express on port 0). Every fake records the requests it gets with the
 * secret each carried, read from the header the real API reads it from.
 *
 * - `startFakeProvider(kind, { scenarios })`: answers the probe endpoints the way the real API
 *   does (status codes, error bodies, `retry-after`, request-id headers); the secret a request
 *   carries picks its scenario, so one server hosts every scenario at once.
 * - `startUpstream(answer)`: a scriptable upstream for the gateway; `answer(secret, req)` picks
 *   each response, JSON or a (held, slowed) event stream.
 */
import express from 'express';
import { serve } from './net.js';
import { type FakeKind, CLAUDE_CODE_ONLY_MESSAGE, errorBody, ANTHROPIC_USAGE, CODEX_USAGE } from './provider-bodies.js';

export type { FakeKind } from './provider-bodies.js';

export type Scenario =
  | 'ok'
  | 'unauthorized'
  | 'forbidden'
  | 'forbidden_billing'
  | 'payment'
  | 'credit_low'
  | 'rate_limit'
  | 'overloaded'
  | 'server_error'
  | 'bad_gateway'
  | 'request_timeout'
  | 'not_found'
  | 'bad_request'
  | 'unprocessable'
  | 'claude_code_only'
  | 'scope_forbidden'
  | 'google_bad_key'
  | 'teapot'
  | 'slow'
  | 'reset'
  | 'invalid_json';

export interface SeenRequest {
  method: string;
  path: string;
  secret: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (empty when the request had none). */
  body: Record<string, unknown>;
}

interface Fake {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export interface FakeProvider extends Fake {
  kind: FakeKind;
}

export interface FakeOptions {
  /** secret -> scenario; a secret not listed gets `unauthorized`. */
  scenarios: Record<string, Scenario>;
  /** Delay of the `slow` scenario (default 5 s). */
  slowMs?: number;
  /** Delay before every answer (for benchmarks). */
  delayMs?: number;
  /** Extra headers on every answer (rate-limit headers as the provider sends them). */
  headers?: Record<string, string>;
  /** The `Date` header this far from the real clock (a provider whose clock, or ours, is off). */
  dateOffsetMs?: number;
}

/** Anthropic takes `x-api-key` or a Bearer token, Google only `x-goog-api-key`, the others Bearer. */
export function secretOf(kind: FakeKind, h: Record<string, string | string[] | undefined>): string | undefined {
  if (kind === 'anthropic' && typeof h['x-api-key'] === 'string') return h['x-api-key'];
  if (kind === 'google') return typeof h['x-goog-api-key'] === 'string' ? h['x-goog-api-key'] : undefined;
  const auth = h.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/** An express app on port 0 that records each request (`method`: only that one), then runs `respond`. */
async function startFake(
  kind: FakeKind,
  method: 'all' | 'post',
  respond: (seen: SeenRequest, req: express.Request, res: express.Response) => unknown,
): Promise<Fake> {
  const app = express();
  app.use(express.json());
  const requests: SeenRequest[] = [];
  app[method](/.*/, async (req, res) => {
    const seen: SeenRequest = {
      method: req.method,
      path: req.path,
      secret: secretOf(kind, req.headers),
      headers: { ...req.headers },
      body: (req.body ?? {}) as Record<string, unknown>,
    };
    requests.push(seen);
    await respond(seen, req, res);
  });
  const { url, close } = await serve(app);
  return { url, requests, close };
}

let seq = 0;

const BASE_PATH: Partial<Record<FakeKind, string>> = {
  openai: '/v1',
  openrouter: '/api/v1',
  'openai-codex': '/backend-api',
};

/** Start a fake provider of `kind`, its base URL the way the real one is configured. */
export async function startFakeProvider(kind: FakeKind, opts: FakeOptions): Promise<FakeProvider> {
  const fake = await startFake(kind, 'all', async (seen, req, res) => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const scenario: Scenario = (seen.secret && opts.scenarios[seen.secret]) || 'unauthorized';
    res.setHeader(kind === 'anthropic' ? 'request-id' : 'x-request-id', `req_${kind.replace(/\W/g, '')}_${++seq}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    if (opts.dateOffsetMs !== undefined) res.setHeader('date', new Date(Date.now() + opts.dateOffsetMs).toUTCString());
    if (scenario === 'slow') {
      // Stops waiting when the client gives up, so no timer outlives the test.
      await new Promise<void>((r) => {
        const timer = setTimeout(r, opts.slowMs ?? 5000);
        res.once('close', () => {
          clearTimeout(timer);
          r();
        });
      });
      if (!res.headersSent && !res.socket?.destroyed) res.json({ data: [] });
    } else if (scenario === 'reset') req.socket.destroy();
    else if (scenario === 'ok') res.json(okBody(req.path));
    else if (scenario === 'bad_gateway') res.status(502).type('html').send('<html><body>502 Bad Gateway</body></html>');
    else if (scenario === 'invalid_json')
      res.status(200).type('html').send('<html><body>Welcome to the hotel wifi</body></html>');
    else {
      const [status, type, message] = failure(kind, scenario, seen.secret);
      if (scenario === 'rate_limit') res.setHeader('retry-after', '17');
      res.status(status).json(errorBody(kind, status, type, message));
    }
  });
  // Base URLs the way the real providers are configured (OpenAI-style ones end in /v1).
  return { ...fake, url: `${fake.url}${BASE_PATH[kind] ?? ''}`, kind };
}

/** The success body of the probe endpoint at `path`. */
function okBody(path: string): unknown {
  if (path.endsWith('/messages'))
    return {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'p' }],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 1, output_tokens: 1 },
    };
  if (path.endsWith('/key')) return { data: { label: 'sk-or-v1-…', usage: 0, limit: null } };
  if (path === '/api/oauth/usage') return ANTHROPIC_USAGE;
  if (path.endsWith('/usage')) return CODEX_USAGE;
  return { data: [{ id: 'model-1', type: 'model' }], object: 'list', models: [{ name: 'models/gemini' }] };
}

type Failing = Exclude<Scenario, 'ok' | 'slow' | 'reset' | 'bad_gateway' | 'invalid_json'>;

/** Status, error type and message of a failing scenario. */
function failure(kind: FakeKind, scenario: Failing, secret: string | undefined): [number, string, string] {
  switch (scenario) {
    case 'unauthorized':
      // Like OpenAI, echo the key back in the message: the probe must redact it.
      return [
        401,
        kind === 'anthropic' ? 'authentication_error' : 'invalid_api_key',
        `Incorrect API key provided: ${secret ?? '(none)'}`,
      ];
    case 'forbidden':
      return [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'];
    case 'forbidden_billing':
      return [403, 'permission_error', 'This organization has been disabled due to a billing issue.'];
    case 'payment':
      return [402, 'payment_required', 'Payment required: out of credits'];
    case 'credit_low':
      return [
        400,
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. ' +
          'Please go to Plans & Billing to upgrade or purchase credits.',
      ];
    case 'rate_limit':
      return [429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.'];
    case 'overloaded':
      return [529, 'overloaded_error', 'Overloaded'];
    case 'server_error':
      return [500, 'api_error', 'Internal server error'];
    case 'request_timeout':
      return [408, 'timeout_error', 'Request timed out'];
    case 'not_found':
      return [404, 'not_found_error', 'model: claude-nope'];
    case 'bad_request':
      return [400, 'invalid_request_error', 'max_tokens: field required'];
    case 'unprocessable':
      return [422, 'invalid_request_error', 'Unprocessable Entity'];
    case 'scope_forbidden':
      // What Anthropic's usage endpoint answers a token without `user:profile` (a setup-token).
      return [403, 'permission_error', 'OAuth token does not meet scope requirement user:profile'];
    case 'claude_code_only':
      return [400, 'invalid_request_error', CLAUDE_CODE_ONLY_MESSAGE];
    case 'google_bad_key':
      return [400, 'invalid_argument', 'API key not valid. Please pass a valid API key.'];
    case 'teapot':
      return [418, 'teapot', "I'm a teapot"];
  }
}

/** What an upstream answers one request with: JSON, or an event stream written chunk by chunk. */
export type Answer =
  | { status: number; json?: unknown; headers?: Record<string, string> }
  | { stream: string[]; gapMs?: number; hold?: Promise<void> };

export interface Upstream extends Fake {
  /** Set when a streamed answer has been fully written. */
  finished: boolean;
  /** Streams whose connection closed before they were fully written. */
  aborted: number;
}

/**
 * A scriptable upstream for the gateway: takes POSTs only, reads the secret from `x-api-key`
 * or a Bearer token (Anthropic and OpenAI clients alike) and answers what `answer` returns.
 * A stream waits for `hold` after its first chunk, else `gapMs` between chunks.
 */
export async function startUpstream(
  answer: (secret: string | undefined, req: SeenRequest) => Answer,
): Promise<Upstream> {
  const state = { finished: false, aborted: 0 };
  const fake = await startFake('anthropic', 'post', async (seen, req, res) => {
    const a = answer(seen.secret, seen);
    if (!('stream' in a)) {
      res
        .status(a.status)
        .set({ 'request-id': 'req_fake', ...(a.headers ?? {}) })
        .json(a.json ?? {});
      return;
    }
    res.on('close', () => {
      if (!state.finished) state.aborted++;
    });
    res.status(200).set({ 'content-type': 'text/event-stream', 'request-id': 'req_fake' });
    res.flushHeaders();
    for (const [i, chunk] of a.stream.entries()) {
      res.write(chunk);
      if (i === 0 && a.hold) await a.hold;
      else if (a.gapMs) await new Promise((r) => setTimeout(r, a.gapMs));
      if (res.destroyed || req.socket.destroyed) return;
    }
    state.finished = true;
    res.end();
  });
  return Object.assign(state, fake);
}

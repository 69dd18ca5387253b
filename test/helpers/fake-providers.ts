/**
 * Fake model providers: one express server on port 0 per provider, answering the probe
 * endpoints the way the real APIs do (status codes, error bodies, `retry-after`,
 * request-id headers). Which answer a request gets depends on the secret it carries,
 * so one server can host every scenario at once.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

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

export type FakeKind = 'anthropic' | 'openai' | 'openrouter' | 'google' | 'openai-codex';

export const CLAUDE_CODE_ONLY_MESSAGE =
  'This credential is only authorized for use with Claude Code and cannot be used for other API requests.';

export interface FakeProvider {
  url: string;
  kind: FakeKind;
  /** Every request seen: method, path and the auth headers (tests only). */
  requests: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body?: unknown }[];
  close(): Promise<void>;
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

function secretOf(kind: FakeKind, h: Record<string, string | string[] | undefined>): string | undefined {
  if (kind === 'anthropic' && typeof h['x-api-key'] === 'string') return h['x-api-key'];
  if (kind === 'google') return typeof h['x-goog-api-key'] === 'string' ? h['x-goog-api-key'] : undefined;
  const auth = h.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/** The error body shape each API uses. */
function errorBody(kind: FakeKind, status: number, type: string, message: string): unknown {
  if (kind === 'anthropic') return { type: 'error', error: { type, message } };
  if (kind === 'google') return { error: { code: status, message, status: type.toUpperCase() } };
  return { error: { message, type, param: null, code: type } };
}

/** Anthropic `GET /api/oauth/usage` as a Max subscription answers it. */
export const ANTHROPIC_USAGE = {
  five_hour: { utilization: 42.5, resets_at: '2026-12-01T18:00:00.000000+00:00' },
  seven_day: { utilization: 12, resets_at: '2026-12-05T09:00:00+00:00' },
  seven_day_opus: null,
  seven_day_sonnet: { utilization: 3, resets_at: null },
  extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null },
};

/** Codex `GET /wham/usage` (ChatGPT Plus): windows with `used_percent` and `reset_at` in epoch seconds. */
export const CODEX_USAGE = {
  plan_type: 'plus',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 7,
      limit_window_seconds: 18_000,
      reset_after_seconds: 3600,
      reset_at: 1_796_000_000,
    },
    secondary_window: {
      used_percent: 55,
      limit_window_seconds: 604_800,
      reset_after_seconds: 86_400,
      reset_at: 1_796_500_000,
    },
  },
};

let seq = 0;

/** Start a fake provider of `kind`. */
export async function startFakeProvider(kind: FakeKind, opts: FakeOptions): Promise<FakeProvider> {
  const app = express();
  app.use(express.json());
  const requests: FakeProvider['requests'] = [];
  const handler: express.RequestHandler = async (req, res) => {
    requests.push({ method: req.method, path: req.path, headers: { ...req.headers }, body: req.body });
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const secret = secretOf(kind, req.headers);
    const scenario: Scenario = (secret && opts.scenarios[secret]) || 'unauthorized';
    const rid = `req_${kind.replace(/\W/g, '')}_${++seq}`;
    res.setHeader(kind === 'anthropic' ? 'request-id' : 'x-request-id', rid);
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    if (opts.dateOffsetMs !== undefined) res.setHeader('date', new Date(Date.now() + opts.dateOffsetMs).toUTCString());
    const fail = (status: number, type: string, message: string) =>
      res.status(status).json(errorBody(kind, status, type, message));
    switch (scenario) {
      case 'ok':
        if (req.path.endsWith('/messages'))
          return res.json({
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'text', text: 'p' }],
            stop_reason: 'max_tokens',
            usage: { input_tokens: 1, output_tokens: 1 },
          });
        if (req.path.endsWith('/key')) return res.json({ data: { label: 'sk-or-v1-…', usage: 0, limit: null } });
        if (req.path === '/api/oauth/usage') return res.json(ANTHROPIC_USAGE);
        if (req.path.endsWith('/usage')) return res.json(CODEX_USAGE);
        return res.json({
          data: [{ id: 'model-1', type: 'model' }],
          object: 'list',
          models: [{ name: 'models/gemini' }],
        });
      case 'unauthorized':
        // Like OpenAI, echo the key back in the message: the probe must redact it.
        return fail(
          401,
          kind === 'anthropic' ? 'authentication_error' : 'invalid_api_key',
          `Incorrect API key provided: ${secret ?? '(none)'}`,
        );
      case 'forbidden':
        return fail(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
      case 'forbidden_billing':
        return fail(403, 'permission_error', 'This organization has been disabled due to a billing issue.');
      case 'payment':
        return fail(402, 'payment_required', 'Payment required: out of credits');
      case 'credit_low':
        return fail(
          400,
          'invalid_request_error',
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or ' +
            'purchase credits.',
        );
      case 'rate_limit':
        res.setHeader('retry-after', '17');
        return fail(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.');
      case 'overloaded':
        return fail(529, 'overloaded_error', 'Overloaded');
      case 'server_error':
        return fail(500, 'api_error', 'Internal server error');
      case 'bad_gateway':
        return res.status(502).type('html').send('<html><body>502 Bad Gateway</body></html>');
      case 'request_timeout':
        return fail(408, 'timeout_error', 'Request timed out');
      case 'not_found':
        return fail(404, 'not_found_error', 'model: claude-nope');
      case 'bad_request':
        return fail(400, 'invalid_request_error', 'max_tokens: field required');
      case 'unprocessable':
        return fail(422, 'invalid_request_error', 'Unprocessable Entity');
      case 'scope_forbidden':
        // What Anthropic's usage endpoint answers a token without `user:profile` (a setup-token).
        return fail(403, 'permission_error', 'OAuth token does not meet scope requirement user:profile');
      case 'claude_code_only':
        return fail(400, 'invalid_request_error', CLAUDE_CODE_ONLY_MESSAGE);
      case 'google_bad_key':
        return fail(400, 'invalid_argument', 'API key not valid. Please pass a valid API key.');
      case 'teapot':
        return fail(418, 'teapot', "I'm a teapot");
      case 'slow':
        await new Promise((r) => setTimeout(r, opts.slowMs ?? 5000));
        if (!res.headersSent && !res.socket?.destroyed) res.json({ data: [] });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'invalid_json':
        return res.status(200).type('html').send('<html><body>Welcome to the hotel wifi</body></html>');
    }
  };
  app.all(/.*/, handler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  // Base URLs the way the real providers are configured (OpenAI-style ones end in /v1).
  const url =
    kind === 'openai'
      ? `${base}/v1`
      : kind === 'openrouter'
        ? `${base}/api/v1`
        : kind === 'openai-codex'
          ? `${base}/backend-api`
          : base;
  return {
    url,
    kind,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nobody listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Test fixtures for the gateway: scriptable fake Anthropic/OpenAI upstreams (port 0),
 * a small OAuth token endpoint, and a gateway on port 0 over a temp state dir.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { configFrom } from '../helpers/config.js';
import type { AiproConfig } from '../../src/config/schema.js';
import { createGateway, type Gateway } from '../../src/gateway/app.js';
import type { GatewayLogger } from '../../src/gateway/runtime.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

export type Answer =
  | { status: number; json?: unknown; headers?: Record<string, string> }
  | { stream: string[]; gapMs?: number; hold?: Promise<void> };

export interface SeenRequest {
  path: string;
  secret: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  /** Set when a streamed answer has been fully written. */
  finished: boolean;
  /** Streams whose connection closed before they were fully written. */
  aborted: number;
  close(): Promise<void>;
}

function secretOf(h: Record<string, string | string[] | undefined>): string | undefined {
  if (typeof h['x-api-key'] === 'string') return h['x-api-key'];
  const a = h.authorization;
  return typeof a === 'string' && a.startsWith('Bearer ') ? a.slice(7) : undefined;
}

/** A fake provider: `answer(secret, req)` decides each response. */
export async function startUpstream(
  answer: (secret: string | undefined, req: SeenRequest) => Answer,
): Promise<Upstream> {
  const app = express();
  app.use(express.json());
  const up: Upstream = { url: '', seen: [], finished: false, aborted: 0, close: async () => undefined };
  app.post(/.*/, async (req, res) => {
    const seen: SeenRequest = {
      path: req.path,
      secret: secretOf(req.headers),
      headers: { ...req.headers },
      body: req.body as Record<string, unknown>,
    };
    up.seen.push(seen);
    const a = answer(seen.secret, seen);
    if ('stream' in a) {
      res.on('close', () => {
        if (!up.finished) up.aborted++;
      });
      res.status(200).set({ 'content-type': 'text/event-stream', 'request-id': 'req_fake' });
      res.flushHeaders();
      for (const [i, chunk] of a.stream.entries()) {
        res.write(chunk);
        if (i === 0 && a.hold) await a.hold;
        else if (a.gapMs) await new Promise((r) => setTimeout(r, a.gapMs));
        if (res.destroyed || req.socket.destroyed) return;
      }
      up.finished = true;
      res.end();
      return;
    }
    res
      .status(a.status)
      .set({ 'request-id': 'req_fake', ...(a.headers ?? {}) })
      .json(a.json ?? {});
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  up.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return up;
}

/** A successful Anthropic Messages answer. */
export const anthropicOk = (text = 'hello from upstream') => ({
  status: 200,
  json: {
    id: 'msg_up',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 4 },
  },
});

/** A successful chat completion. */
export const openaiOk = (text = 'hello from upstream') => ({
  status: 200,
  json: {
    id: 'chatcmpl-up',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  },
});

/** An Anthropic-style error body. */
export const anthropicError = (status: number, type: string, message: string, headers?: Record<string, string>) => ({
  status,
  json: { type: 'error', error: { type, message } },
  ...(headers ? { headers } : {}),
});

export interface TokenEndpoint {
  url: string;
  /** Refresh tokens presented, in order. */
  presented: string[];
  close(): Promise<void>;
}

/** A minimal OAuth token endpoint: each refresh returns `access-N` / rotated refresh tokens. */
export async function startTokenEndpoint(prefix: string): Promise<TokenEndpoint> {
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  const presented: string[] = [];
  app.post('/token', (req, res) => {
    const b = req.body as Record<string, string>;
    if (b.grant_type !== 'refresh_token') return res.status(400).json({ error: 'unsupported_grant_type' });
    presented.push(b.refresh_token ?? '');
    const n = presented.length;
    res.json({
      access_token: `${prefix}-access-${n}-${'x'.repeat(24)}`,
      refresh_token: `${prefix}-refresh-${n}-${'y'.repeat(24)}`,
      expires_in: 3600,
      token_type: 'Bearer',
    });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    presented,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestGateway {
  home: TempHome;
  gateway: Gateway;
  url: string;
  logs: string[];
  config: AiproConfig;
  env: Record<string, string>;
  /** Stop this gateway instance (the state dir stays until `cleanup`). */
  stop(): Promise<void>;
  /** A second instance over the same state dir (a restart). */
  restart(): Promise<TestGateway>;
  cleanup(): Promise<void>;
}

/** Build a full config from a partial one (defaults filled in by the real schema). */
export const makeConfig = configFrom;

/** A gateway on port 0 over a fresh temp home with `store` as the main agent's store. */
export async function startTestGateway(opts: {
  config: Record<string, unknown>;
  store?: unknown;
  env?: Record<string, string>;
  token?: string;
  home?: TempHome;
}): Promise<TestGateway> {
  const home = opts.home ?? tempHome();
  if (opts.store && !opts.home) home.writeStore(opts.store);
  const env = { ...home.env, ...(opts.env ?? {}) };
  const config = makeConfig(opts.config, env);
  const logs: string[] = [];
  const line =
    (level: string) =>
    (event: string, fields: Record<string, unknown> = {}) =>
      logs.push(`${level} ${event} ${JSON.stringify(fields)}`);
  const log: GatewayLogger = { info: line('info'), warn: line('warn'), error: line('error') };
  const gateway = createGateway({ config, env, log, flushMs: 20, ...(opts.token ? { token: opts.token } : {}) });
  const server: Server = await new Promise((resolve) => {
    const s = createServer(gateway.handler).listen(0, '127.0.0.1', () => resolve(s));
  });
  const stop = async () => {
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    await gateway.close();
  };
  return {
    home,
    gateway,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    config,
    env,
    stop,
    restart: async () => {
      await stop();
      return startTestGateway({ ...opts, home });
    },
    cleanup: async () => {
      await stop().catch(() => undefined);
      home.cleanup();
    },
  };
}

/** POST JSON to the gateway; returns status, headers and the raw text. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // SSE or text
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Canary secrets: long, recognisable, never expected in any output. */
export const CANARY = {
  antWork: `sk-ant-api03-CANARYWORK${'a'.repeat(40)}`,
  antDefault: `sk-ant-api03-CANARYDEF${'b'.repeat(40)}`,
  antToken: `sk-ant-oat01-CANARYTOKEN${'c'.repeat(80)}`,
  antEnv: `sk-ant-api03-CANARYENV${'d'.repeat(40)}`,
  oaiKey: `sk-proj-CANARYOPENAI${'e'.repeat(40)}`,
  oauthAccess: `CANARYOAUTHACCESS${'f'.repeat(40)}`,
  oauthRefresh: `CANARYOAUTHREFRESH${'g'.repeat(40)}`,
};

/** Assert no canary appears in `text`. Returns the canaries found (empty when clean). */
export function leaks(text: string, extra: string[] = []): string[] {
  return [...Object.values(CANARY), ...extra].filter((c) => text.includes(c));
}

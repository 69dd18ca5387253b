/**
 * The one HTTP layer to providers, shared by the probes and the gateway: keep-alive agents
 * (one per protocol, per process), URL joining, header helpers, and a minimal request for
 * probes. Why node:http and not fetch: undici costs ~3× the CPU per request, and probing
 * 1,000 credentials at high concurrency is CPU-bound on small hosts (see bench/probe-1000.mjs).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';

type Http = typeof import('node:http');
type Https = typeof import('node:https');

/**
 * node:http/https (and with them tls and crypto) load on the first probe, not at import:
 * every provider file imports this module, and `models status` imports every provider file
 * for its token validation but never sends a request.
 */
/** Sockets per upstream host: bounds a burst of gateway requests; probes stay far below it. */
const MAX_SOCKETS = 256;

let clients:
  | { http: Http; https: Https; httpAgent: InstanceType<Http['Agent']>; httpsAgent: InstanceType<Https['Agent']> }
  | undefined;
function loadClients() {
  if (!clients) {
    const req = createRequire(import.meta.url);
    const http = req('node:http') as Http;
    const https = req('node:https') as Https;
    clients = {
      http,
      https,
      httpAgent: new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: MAX_SOCKETS }),
      httpsAgent: new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: MAX_SOCKETS }),
    };
  }
  return clients;
}

/** node:http/https and the shared keep-alive agents (loaded on first use). */
export function httpClients(): {
  http: Http;
  https: Https;
  httpAgent: InstanceType<Http['Agent']>;
  httpsAgent: InstanceType<Https['Agent']>;
} {
  return loadClients();
}

/** Join a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${trimSlash(base)}/${path.replace(/^\/+/, '')}`;
}

/** A base URL without its trailing slashes (paths are appended to it). */
export function trimSlash(base: string): string {
  return base.replace(/\/+$/, '');
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, cut at `maxBody` bytes. */
  text: string;
}

/** The error a request fails with when `timeoutMs` passes (named like AbortSignal.timeout's). */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * One request; rejects on network errors, after `timeoutMs` (a RequestTimeoutError) and on
 * `signal` abort (like fetch). Never follows redirects. The deadline is a plain timer, not
 * `AbortSignal.timeout()`: that costs ~12 µs of CPU per call against ~0.5 µs, and a probe
 * run sends a thousand of these.
 */
export function send(
  url: string,
  opts: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    signal?: AbortSignal;
    maxBody: number;
  },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const isHttps = u.protocol === 'https:';
    const { http, https, httpAgent, httpsAgent } = loadClients();
    const headers = {
      ...opts.headers,
      ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
    };
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (err: unknown, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(answer as HttpAnswer);
    };
    const req = (isHttps ? https.request : http.request)(
      u,
      {
        method: opts.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < opts.maxBody) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          settle(null, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8').slice(0, opts.maxBody),
          }),
        );
        res.on('error', settle);
      },
    );
    if (opts.timeoutMs !== undefined)
      timer = setTimeout(() => {
        const err = new RequestTimeoutError(opts.timeoutMs as number);
        settle(err);
        req.destroy(err);
      }, opts.timeoutMs);
    req.on('error', settle);
    req.end(opts.body);
  });
}

/** A header's value as one string (first of several). */
export function header(h: IncomingHttpHeaders, name: string): string | null {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

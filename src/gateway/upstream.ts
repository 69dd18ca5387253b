/**
 * One HTTP request to a provider. The shared keep-alive agents (src/http) so the gateway adds
 * little latency; the response is returned unread so a success can be streamed to the
 * client chunk by chunk, while an error body is read (bounded) to decide on failover.
 */
import type http from 'node:http';
import { httpClients } from '../http/client.js';
import {
  armIdle,
  armRequest,
  type Armed,
  DEFAULT_UPSTREAM_TIMEOUTS,
  UpstreamTimeoutError,
  type TimeoutPhase,
  type UpstreamTimeouts,
} from './upstream-timeouts.js';

/** Error bodies past this are cut: they are only classified and shown redacted. */
export const MAX_ERROR_BODY = 64 * 1024;

/**
 * Cancels the upstream request of one client request when the client goes away (cheaper
 * per request than an AbortController + signal listeners on the hot path).
 */
export class Cancel {
  aborted = false;
  private current: http.ClientRequest | null = null;
  abort(): void {
    this.aborted = true;
    this.current?.destroy();
  }
  track(req: http.ClientRequest): void {
    this.current = req;
    if (this.aborted) req.destroy();
  }
}

/** Parsed request options per upstream URL (a handful of distinct URLs per gateway). */
const targets = new Map<string, { secure: boolean; options: http.RequestOptions; host: string } | null>();

function target(url: string) {
  let t = targets.get(url);
  if (t === undefined) {
    try {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      t = {
        secure,
        host: u.host,
        options: {
          protocol: u.protocol,
          hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: u.port || (secure ? 443 : 80),
          path: `${u.pathname}${u.search}`,
        },
      };
    } catch {
      t = null;
    }
    if (targets.size > 1000) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/** Response headers arrived (body unread), or the request never got an answer. */
export type UpstreamResult =
  | { ok: true; res: http.IncomingMessage; idle: Armed }
  | { ok: false; network: true; detail: string; code?: string; timeout?: TimeoutPhase };

/**
 * Send `body` to `url`; resolves once response headers arrive (or the request failed or
 * timed out). The body of a response is cut after `idleMs` of silence.
 */
export function sendUpstream(
  url: string,
  headers: Record<string, string>,
  body: string,
  cancel: Cancel,
  timeouts: UpstreamTimeouts = DEFAULT_UPSTREAM_TIMEOUTS,
): Promise<UpstreamResult> {
  return new Promise((resolve) => {
    const t = target(url);
    if (!t) {
      resolve({ ok: false, network: true, detail: `invalid upstream URL ${url}` });
      return;
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    const { http, https, httpAgent, httpsAgent } = httpClients();
    const o = t.options;
    // Spelled out, not `{ ...t.options, … }`: in the gateway's profile that spread was the
    // costliest line of its own code per request.
    const req = (t.secure ? https : http).request(
      {
        protocol: o.protocol,
        hostname: o.hostname,
        port: o.port,
        path: o.path,
        method: 'POST',
        agent: t.secure ? httpsAgent : httpAgent,
        headers,
      },
      (res) => {
        deadlines.clear();
        resolve({ ok: true, res, idle: armIdle(res, timeouts.idleMs) });
      },
    );
    const deadlines = armRequest(req, timeouts);
    req.on('error', (err: NodeJS.ErrnoException) => {
      deadlines.clear();
      if (err instanceof UpstreamTimeoutError)
        return resolve({
          ok: false,
          network: true,
          detail: `${t.host}: ${err.message}`,
          code: err.code,
          timeout: err.phase,
        });
      resolve({
        ok: false,
        network: true,
        detail: `${t.host}: ${err.code ?? err.name}${err.code ? '' : `: ${err.message}`}`,
        ...(err.code ? { code: err.code } : {}),
      });
    });
    cancel.track(req);
    req.end(body);
  });
}

/** Read a response body as text, at most `max` bytes. */
export function readBody(res: http.IncomingMessage, max = MAX_ERROR_BODY): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < max) chunks.push(c.subarray(0, max - size));
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('aborted', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Response headers a client may see (rate limits, request ids, content type). */
const PASS_HEADERS = [
  'content-type',
  'request-id',
  'x-request-id',
  'retry-after',
  'cache-control',
  'openai-processing-ms',
  'openai-version',
  'anthropic-ratelimit-.*',
  'x-ratelimit-.*',
];
const PASS_HEADER_RE = new RegExp(`^(${PASS_HEADERS.join('|')})$`);

/** The upstream headers worth passing to the client, each redacted by `clean`. */
export function passHeaders(res: http.IncomingMessage, clean: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || !PASS_HEADER_RE.test(k)) continue;
    out[k] = clean(Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

/** Client request headers that carry protocol options (never credentials) upstream. */
const FORWARD_HEADERS = ['accept', 'anthropic-version', 'anthropic-beta', 'openai-beta'] as const;

/**
 * Headers for the upstream request: the client's protocol headers, then the
 * credential's auth headers (a client's own Authorization/x-api-key never passes).
 */
export function upstreamHeaders(
  clientHeaders: http.IncomingHttpHeaders,
  auth: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/json', 'accept-encoding': 'identity' };
  for (const name of FORWARD_HEADERS) {
    const v = clientHeaders[name];
    if (typeof v === 'string' && v !== '') out[name] = v;
  }
  for (const [k, v] of Object.entries(auth)) {
    const key = k.toLowerCase();
    if (key === 'anthropic-beta' && out[key]) {
      const merged = new Set([...out[key].split(','), ...v.split(',')].map((s) => s.trim()).filter(Boolean));
      out[key] = [...merged].join(',');
    } else if (key === 'anthropic-version' && out[key]) {
      // The client's API version wins; the provider's is only a default.
    } else out[key] = v;
  }
  return out;
}

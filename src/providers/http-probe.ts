/**
 * The one HTTP probe every provider uses: send a cheap authenticated request, time it,
 * read the request id and retry-after, and classify the answer. The provider only says
 * which request to send. Secrets never reach the result: the body is redacted first.
 */
import type { QuotaWindow } from '../store/schema.js';
import { redact } from '../store/secrets.js';
import { classifyNetworkError, classifyProbe, parseRetryAfter } from '../http/classify.js';
import { header, RequestTimeoutError, send } from '../http/client.js';
export { joinUrl } from '../http/client.js';
import { clockSkewMs, parseRateLimitHeaders } from './rate-limit-headers.js';
import { windowLabel } from '../store/quota.js';
import type { ProbeRequest, ProbeResult } from './types.js';

export interface ProbeCall {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Command that replaces this credential (for the `auth` hint). */
  fix?: string;
  /** Read subscription usage windows from a successful JSON answer. */
  quota?(json: unknown, now: number): QuotaWindow[];
}

const REQUEST_ID_HEADERS = ['request-id', 'x-request-id', 'x-goog-request-id', 'openai-request-id', 'cf-ray'];
/** Enough of a body to classify it; a probe never needs more. */
const MAX_BODY = 64 * 1024;

function requestIdOf(h: Parameters<typeof header>[0]): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const v = header(h, name);
    if (v && /^[\x21-\x7e]{1,128}$/.test(v)) return v;
  }
  return undefined;
}

/** Run one probe request. Never throws for network or HTTP failures. */
export async function httpProbe(req: ProbeRequest, call: ProbeCall): Promise<ProbeResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  let res: Awaited<ReturnType<typeof send>>;
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    res = await send(call.url, {
      method: call.method,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      timeoutMs: req.timeoutMs,
      ...(req.signal ? { signal: req.signal } : {}),
      maxBody: MAX_BODY,
    });
  } catch (err) {
    const c = classifyNetworkError(err, err instanceof RequestTimeoutError);
    return {
      ok: false,
      reason: c.reason,
      latencyMs: latency(),
      ...(c.hint ? { hint: c.hint } : {}),
      ...(c.detail ? { detail: c.detail } : {}),
    };
  }
  const latencyMs = latency();
  const receivedAt = Date.now();
  const clean = redact(res.text, [req.secret]);
  const retryAfterMs = parseRetryAfter(header(res.headers, 'retry-after'), Date.now());
  const c = classifyProbe(res.status, clean, {
    ...(call.fix ? { fix: call.fix } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
  const out: ProbeResult = { ok: c.ok, reason: c.reason, httpStatus: res.status, latencyMs };
  const requestId = requestIdOf(res.headers);
  if (requestId) out.requestId = requestId;
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  if (c.hint) out.hint = c.hint;
  if (c.detail) out.detail = c.detail;
  const skew = clockSkewMs(res.headers, receivedAt);
  if (skew !== undefined) out.clockSkewMs = skew;
  // Rate-limit headers come with refusals too (a 429 names its reset): read them on every answer.
  const limits = parseRateLimitHeaders(res.headers, receivedAt);
  if (limits?.status) out.quotaStatus = limits.status;
  if (limits?.windows.length) out.quota = limits.windows;
  if (c.ok) {
    // A 2xx that is not JSON is not the provider's API (a captive portal, a wrong baseUrl).
    let json: unknown;
    try {
      json = JSON.parse(clean);
    } catch {
      return {
        ...out,
        ok: false,
        reason: 'format',
        detail: `HTTP ${res.status} with a body that is not JSON`,
        hint: 'the answer is not the provider API: check models.providers.<id>.baseUrl and any proxy',
      };
    }
    const quota = call.quota?.(json, receivedAt);
    if (quota && quota.length > 0) out.quota = mergeWindows(out.quota ?? [], quota);
  }
  return out;
}

/** Header windows and usage-endpoint windows as one list by label; the endpoint's (finer) numbers win. */
function mergeWindows(fromHeaders: QuotaWindow[], fromBody: QuotaWindow[]): QuotaWindow[] {
  const byLabel = new Map<string, QuotaWindow>();
  for (const w of [...fromHeaders, ...fromBody]) {
    const label = windowLabel(w.window);
    if (label) byLabel.set(label, { ...w, window: label });
  }
  return [...byLabel.values()].sort((a, b) => a.window.localeCompare(b.window));
}

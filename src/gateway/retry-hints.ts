/**
 * When a refused credential may be used again, as its provider says: `retry-after-ms`,
 * `retry-after` (seconds or an HTTP date), then the rate-limit reset headers
 * (Anthropic `anthropic-ratelimit-*-reset`, RFC 3339 times; OpenAI `x-ratelimit-reset-*`,
 * durations like `6m0s`). The provider knows its own window; aipro's cooldown ladder
 * (30 s, 1 m, 5 m) is only a guess for when it says nothing. Pure.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from '../http/classify.js';
import { parseGoDuration, parseRateLimitHeaders } from '../providers/rate-limit-headers.js';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A Go-style duration (`1s`, `6m0s`, `20ms`) in ms: the one parser lives with the other rate-limit headers. */
export const parseResetDuration = parseGoDuration;

/** One reset header value (RFC 3339 time, Go duration or plain seconds) as an epoch ms. */
function resetAt(value: string, now: number): number | undefined {
  const d = parseResetDuration(value);
  if (d !== undefined) return now + d;
  if (/^\d+(\.\d+)?$/.test(value)) return now + Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** Per-limit reset headers. Anthropic's `unified-*` resets are epoch seconds: read by the quota parser instead. */
const RESET_RE = /^(?:anthropic-ratelimit-(?!unified-)(.+)-reset|x-ratelimit-reset-(.+))$/;

/** The moment the upstream says this credential may be used again, or undefined. */
export function upstreamRetryAt(headers: IncomingHttpHeaders, now: number): number | undefined {
  const ms = Number(one(headers['retry-after-ms']));
  if (Number.isFinite(ms) && ms >= 0 && one(headers['retry-after-ms']) !== '') return now + Math.round(ms);
  const after = parseRetryAfter(one(headers['retry-after']) ?? null, now);
  if (after !== undefined) return now + after;
  // The limits that ran out decide; when none says so, the last reset is the safe one.
  const spent: number[] = [];
  const all: number[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    const m = RESET_RE.exec(name);
    const v = one(raw);
    if (!m || !v) continue;
    const at = resetAt(v.trim(), now);
    if (at === undefined) continue;
    all.push(at);
    const kind = (m[1] ?? m[2]) as string;
    const remaining = m[1]
      ? headers[`anthropic-ratelimit-${kind}-remaining`]
      : headers[`x-ratelimit-remaining-${kind}`];
    if (one(remaining) === '0') spent.push(at);
  }
  // A subscription the provider rejects is back when its spent window resets.
  const limits = parseRateLimitHeaders(headers, now);
  if (limits?.status === 'rejected')
    for (const w of limits.windows) if (w.utilization >= 100 && w.resetsAt !== undefined) spent.push(w.resetsAt);
  const pick = spent.length ? spent : all;
  return pick.length ? Math.max(...pick) : undefined;
}

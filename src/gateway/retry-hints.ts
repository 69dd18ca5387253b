/**
 * When a refused credential may be used again, as its provider says: `retry-after-ms`,
 * `retry-after` (seconds or an HTTP date), then the rate-limit reset headers
 * (Anthropic `anthropic-ratelimit-*-reset`, RFC 3339 times; OpenAI `x-ratelimit-reset-*`,
 * durations like `6m0s`). The provider knows its own window; aipro's cooldown ladder
 * (30 s, 1 m, 5 m) is only a guess for when it says nothing. Pure.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from '../providers/classify.js';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A Go-style duration (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) in ms, or undefined. */
export function parseResetDuration(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const n = Number(m[1]);
    total += n * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1);
    consumed += m[0].length;
  }
  return consumed > 0 && consumed === value.trim().length ? Math.round(total) : undefined;
}

/** One reset header value (RFC 3339 time, Go duration or plain seconds) as an epoch ms. */
function resetAt(value: string, now: number): number | undefined {
  const d = parseResetDuration(value);
  if (d !== undefined) return now + d;
  if (/^\d+(\.\d+)?$/.test(value)) return now + Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

const RESET_RE = /^(?:anthropic-ratelimit-(.+)-reset|x-ratelimit-reset-(.+))$/;

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
    const remaining = m[1] ? headers[`anthropic-ratelimit-${kind}-remaining`] : headers[`x-ratelimit-remaining-${kind}`];
    if (one(remaining) === '0') spent.push(at);
  }
  const pick = spent.length ? spent : all;
  return pick.length ? Math.max(...pick) : undefined;
}

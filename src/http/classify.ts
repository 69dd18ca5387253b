/**
 * Turning a provider's HTTP answer (or the lack of one) into the bounded probe reason,
 * a hint for the operator and a short redacted detail. Pure: tests feed it every
 * status of the mapping; the probes feed it what the network gave them.
 *
 * Mapping (DESIGN.md "Providers"): 401/403 → auth (billing wording → billing),
 * 402 → billing, 429 → rate_limit, 529 → overloaded, 408/5xx → timeout,
 * 404 → model_not_found, 400/422 → format. Anthropic's "only authorized for use with
 * Claude Code" answer is `auth` whatever its error status (the credential is the problem).
 */
import type { ProbeReason } from './types.js';

export const CLAUDE_CODE_ONLY_RE = /only authorized for use with Claude Code/i;
export const CLAUDE_CODE_ONLY_HINT =
  'this is a Claude Code subscription credential; use an Anthropic API key (ANTHROPIC_API_KEY) for direct API use';
/** Google answers a bad key with 400 INVALID_ARGUMENT; the credential is still the problem. */
const INVALID_KEY_RE = /api key not valid|API_KEY_INVALID|invalid api key|invalid x-api-key/i;
const BILLING_RE = /billing|credit balance|insufficient[_ ]quota|payment|out of credits|quota exceeded|purchase credits/i;

export interface Classified {
  ok: boolean;
  reason: ProbeReason;
  hint?: string;
  detail?: string;
}

/** The provider's own error message from a JSON error body (Anthropic, OpenAI, Google shapes). */
export function errorMessage(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const e = j.error;
    if (typeof e === 'string') return typeof j.message === 'string' ? `${e}: ${j.message}` : e;
    if (e && typeof e === 'object') {
      const m = (e as Record<string, unknown>).message;
      if (typeof m === 'string') return m;
    }
    if (typeof j.message === 'string') return j.message;
  } catch {
    // Not JSON.
  }
  return undefined;
}

/** Hints per reason. `fix` is the provider's command to replace this credential. */
export function hintFor(reason: ProbeReason, fix?: string, retryAfterMs?: number): string | undefined {
  switch (reason) {
    case 'ok':
      return undefined;
    case 'auth':
    case 'auth_permanent':
      return `the provider refused this credential; replace it${fix ? `: ${fix}` : ''}`;
    case 'billing':
      return 'the account is out of credit or its plan does not allow this: check billing with the provider';
    case 'rate_limit':
      return `rate limited; the credential itself is fine${retryAfterMs ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ''}`;
    case 'overloaded':
      return 'the provider is overloaded; retry later';
    case 'timeout':
      return 'no timely answer (timeout or server error); retry later or raise --timeout';
    case 'network':
      return 'cannot reach the provider: check DNS, proxy, firewall and models.providers.<id>.baseUrl';
    case 'format':
      return 'the provider did not understand the probe request or answered something unexpected: check models.providers.<id>.baseUrl';
    case 'model_not_found':
      return 'the probe endpoint or model was not found: check models.providers.<id>.baseUrl and the configured model';
    case 'unknown':
      return 'unexpected answer from the provider; run again with --json for details';
  }
}

/** Classify an HTTP answer. `body` is the (already redacted) response text. */
export function classifyHttp(status: number, body: string, opts: { fix?: string; retryAfterMs?: number } = {}): Classified {
  if (status >= 200 && status < 300) return { ok: true, reason: 'ok', detail: `HTTP ${status}` };
  const message = errorMessage(body);
  const text = message ?? body;
  const short = (message ?? body.replace(/\s+/g, ' ')).slice(0, 200);
  const detail = `HTTP ${status}${short ? `: ${short}` : ''}`;
  if (CLAUDE_CODE_ONLY_RE.test(text)) return { ok: false, reason: 'auth', hint: CLAUDE_CODE_ONLY_HINT, detail };
  let reason: ProbeReason;
  if (status === 401 || status === 403) reason = BILLING_RE.test(text) ? 'billing' : 'auth';
  else if (status === 402) reason = 'billing';
  else if (status === 429) reason = BILLING_RE.test(text) ? 'billing' : 'rate_limit';
  else if (status === 529) reason = 'overloaded';
  else if (status === 408 || (status >= 500 && status < 600)) reason = 'timeout';
  else if (status === 404) reason = 'model_not_found';
  else if (status === 400 || status === 422) reason = BILLING_RE.test(text) ? 'billing' : INVALID_KEY_RE.test(text) ? 'auth' : 'format';
  else reason = 'unknown';
  const hint = hintFor(reason, opts.fix, opts.retryAfterMs);
  return { ok: false, reason, ...(hint ? { hint } : {}), detail };
}

/** Classify a request that got no HTTP answer (fetch threw). */
export function classifyNetworkError(err: unknown, timedOut: boolean): Classified {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? (e as NodeJS.ErrnoException)?.code;
  if (timedOut || e?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return { ok: false, reason: 'timeout', hint: hintFor('timeout') as string, detail: 'no answer within the timeout' };
  }
  const what =
    code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'connection reset'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found'
    : code ?? e?.cause?.message ?? e?.message ?? 'network error';
  return { ok: false, reason: 'network', hint: hintFor('network') as string, detail: what };
}

/** `retry-after` as ms (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

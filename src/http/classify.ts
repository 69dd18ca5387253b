/**
 * The ONE reading of an upstream's answer, for the probes and the gateway alike: HTTP status
 * and (redacted) body, or the network failure, → the bounded reason, a short detail and, for
 * the probe, a hint for the operator. What the reason means (fail over, cool down, refresh)
 * comes from `REASON_EFFECTS`. Pure.
 *
 * Mapping: 401/403 → auth (billing wording → billing), 402 → billing, 429 → rate_limit
 * (billing wording → billing), 529 → overloaded, 408/5xx → timeout, 404 → model_not_found,
 * 400/413/422 → format (billing wording → billing; a bad key, as Google answers it with 400
 * INVALID_ARGUMENT → auth), anything else → unknown. Anthropic's "only authorized for use with
 * Claude Code" answer (seen as 400, 401 and 403) is `auth_permanent`: that credential will never
 * work for direct API use, and no refresh changes it.
 */
import { REASON_EFFECTS, type ProbeReason } from '../store/reasons.js';

export const CLAUDE_CODE_ONLY_RE = /only authorized for use with Claude Code/i;
export const CLAUDE_CODE_ONLY_HINT =
  'this is a Claude Code subscription credential; use an Anthropic API key (ANTHROPIC_API_KEY) for direct API use';
/** Google answers a bad key with 400 INVALID_ARGUMENT; the credential is still the problem. */
const INVALID_KEY_RE = /api key not valid|API_KEY_INVALID|invalid api key|invalid x-api-key/i;
const BILLING_RE = new RegExp(
  [
    'billing',
    'credit balance',
    'insufficient[_ ]quota',
    'payment',
    'out of credits',
    'quota exceeded',
    'exceeded your current quota',
    'purchase credits',
  ].join('|'),
  'i',
);

export interface Classified {
  ok: boolean;
  reason: ProbeReason;
  /** Try the next profile (and record the failure on this one). */
  failover: boolean;
  /** A refusal that an OAuth refresh might cure (a 401, never a 403). */
  refreshable: boolean;
  hint?: string;
  detail?: string;
}

/** The reason's effects from the one table; `refreshable` only for a 401. */
function judged(reason: ProbeReason, status?: number): Pick<Classified, 'ok' | 'reason' | 'failover' | 'refreshable'> {
  const e = REASON_EFFECTS[reason];
  return { ok: reason === 'ok', reason, failover: e.failover, refreshable: e.refreshable && status === 401 };
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
      return (
        `rate limited; the credential itself is ` +
        `fine${retryAfterMs ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ''}`
      );
    case 'overloaded':
      return 'the provider is overloaded; retry later';
    case 'timeout':
      return 'no timely answer (timeout or server error); retry later or raise --timeout';
    case 'network':
      return 'cannot reach the provider: check DNS, proxy, firewall and models.providers.<id>.baseUrl';
    case 'format':
      return (
        'the provider did not understand the probe request or answered something unexpected: check ' +
        'models.providers.<id>.baseUrl'
      );
    case 'model_not_found':
      return 'the probe endpoint or model was not found: check models.providers.<id>.baseUrl and the configured model';
    case 'unknown':
      return 'unexpected answer from the provider; run again with --json for details';
  }
}

/** The reason of an HTTP answer. `text` is the provider's message, else the body. */
function reasonOf(status: number, text: string): ProbeReason {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500 && CLAUDE_CODE_ONLY_RE.test(text)) return 'auth_permanent';
  if (status === 401 || status === 403) return BILLING_RE.test(text) ? 'billing' : 'auth';
  if (status === 402) return 'billing';
  if (status === 429) return BILLING_RE.test(text) ? 'billing' : 'rate_limit';
  if (status === 529) return 'overloaded';
  if (status === 408 || (status >= 500 && status < 600)) return 'timeout';
  if (status === 404) return 'model_not_found';
  if (status === 400 || status === 413 || status === 422)
    return BILLING_RE.test(text) ? 'billing' : INVALID_KEY_RE.test(text) ? 'auth' : 'format';
  return 'unknown';
}

/**
 * Classify an HTTP answer. `body` is the (already redacted) response text. A hint comes back
 * only where the answer itself says more than the reason (the Claude-Code-only refusal);
 * `classifyProbe` adds the per-reason hints the probe shows.
 */
export function classifyHttp(status: number, body: string): Classified {
  if (status >= 200 && status < 300) return { ...judged('ok'), detail: `HTTP ${status}` };
  const message = errorMessage(body);
  const text = message ?? body;
  const short = (message ?? body.replace(/\s+/g, ' ')).slice(0, 200);
  const detail = `HTTP ${status}${short ? `: ${short}` : ''}`;
  const reason = reasonOf(status, text);
  return { ...judged(reason, status), ...(reason === 'auth_permanent' ? { hint: CLAUDE_CODE_ONLY_HINT } : {}), detail };
}

/** `classifyHttp` with the operator hint for every failure (the probe and `models status` show it). */
export function classifyProbe(
  status: number,
  body: string,
  opts: { fix?: string; retryAfterMs?: number } = {},
): Classified {
  const c = classifyHttp(status, body);
  if (c.ok || c.hint) return c;
  const hint = hintFor(c.reason, opts.fix, opts.retryAfterMs);
  return hint ? { ...c, hint } : c;
}

/** Classify a request that got no HTTP answer (fetch threw). */
export function classifyNetworkError(err: unknown, timedOut: boolean): Classified {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? (e as NodeJS.ErrnoException)?.code;
  if (
    timedOut ||
    e?.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return { ...judged('timeout'), hint: hintFor('timeout') as string, detail: 'no answer within the timeout' };
  }
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
        ? 'connection reset'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : (code ?? e?.cause?.message ?? e?.message ?? 'network error');
  return { ...judged('network'), hint: hintFor('network') as string, detail: what };
}

/**
 * A gateway request that never got an HTTP answer. Only a response-header or idle timeout is
 * held against the credential (the host took the request and did not answer it). Refused,
 * reset, DNS, TLS and connect timeouts are the endpoint's failure: every credential would meet
 * the same wall, so none is cooled down (`endpoint`), and the endpoint is not tried again for
 * this request.
 */
export function classifyNetwork(failure: {
  code?: string;
  timeout?: 'connect' | 'headers' | 'idle';
}): Classified & { endpoint: boolean } {
  if (failure.timeout === 'headers' || failure.timeout === 'idle') return { ...judged('timeout'), endpoint: false };
  if (failure.timeout === 'connect') return { ...judged('timeout'), endpoint: true };
  return { ...judged('network'), endpoint: true };
}

/** A short, single-line excerpt of an upstream error body for messages and logs. */
export function errorExcerpt(bodyText: string, max = 200): string {
  let text = bodyText;
  try {
    const json = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown };
    const msg = typeof json.error === 'object' && json.error ? json.error.message : (json.error ?? json.message);
    if (typeof msg === 'string') text = msg;
  } catch {
    // Not JSON: use the text as it is.
  }
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** `retry-after` as ms (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

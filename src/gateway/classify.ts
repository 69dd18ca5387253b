/**
 * What an upstream failure means for the credential that got it, and whether the
 * gateway should try the next profile. Pure: status code + (redacted) body text.
 * Reasons are the bounded probe vocabulary of DESIGN.md "Providers".
 */
import type { ProbeReason } from '../providers/types.js';

/** The exact Anthropic refusal for a subscription credential used outside Claude Code. */
export const CLAUDE_CODE_ONLY = 'only authorized for use with Claude Code';

const BILLING_RE = /credit balance|billing|insufficient_quota|payment required|exceeded your current quota|purchase credits/i;

/** The meaning of one upstream failure. */
export interface Classified {
  reason: ProbeReason;
  /** Try the next profile (and record the failure on this one). */
  failover: boolean;
  /** A 401 that an OAuth refresh might cure. */
  refreshable: boolean;
  hint?: string;
}

/** Classify an upstream HTTP error response. */
export function classifyHttp(status: number, bodyText: string): Classified {
  // Seen as 400, 401 and 403 depending on the endpoint: the credential will never work here.
  if (status >= 400 && status < 500 && bodyText.includes(CLAUDE_CODE_ONLY)) {
    return { reason: 'auth_permanent', failover: true, refreshable: false, hint: 'this credential only works in Claude Code; use an Anthropic API key instead (`aipro models auth add-key --provider anthropic`)' };
  }
  if (status === 401 || status === 403) {
    if (BILLING_RE.test(bodyText)) return { reason: 'billing', failover: true, refreshable: false };
    return { reason: 'auth', failover: true, refreshable: status === 401 };
  }
  if (status === 402) return { reason: 'billing', failover: true, refreshable: false };
  if (status === 429) return { reason: BILLING_RE.test(bodyText) ? 'billing' : 'rate_limit', failover: true, refreshable: false };
  if (status === 529) return { reason: 'overloaded', failover: true, refreshable: false };
  if (status === 408 || status >= 500) return { reason: 'timeout', failover: true, refreshable: false };
  if (status === 404) return { reason: 'model_not_found', failover: false, refreshable: false };
  // Anthropic answers an empty prepaid balance with a 400.
  if (status === 400 && BILLING_RE.test(bodyText)) return { reason: 'billing', failover: true, refreshable: false };
  if (status === 400 || status === 422 || status === 413) return { reason: 'format', failover: false, refreshable: false };
  return { reason: 'unknown', failover: false, refreshable: false };
}

/**
 * A request that never got an HTTP answer. Only a response-header timeout is held against
 * the credential (the host took the request and did not answer it). Refused, reset, DNS,
 * TLS and connect timeouts are the endpoint's failure: every credential would meet the
 * same wall, so none is cooled down (`endpoint`), and the endpoint is not tried again for
 * this request.
 */
export function classifyNetwork(failure: { code?: string; timeout?: 'connect' | 'headers' | 'idle' }): Classified & { endpoint: boolean } {
  if (failure.timeout === 'headers' || failure.timeout === 'idle') return { reason: 'timeout', failover: true, refreshable: false, endpoint: false };
  if (failure.timeout === 'connect') return { reason: 'timeout', failover: true, refreshable: false, endpoint: true };
  return { reason: 'network', failover: true, refreshable: false, endpoint: true };
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

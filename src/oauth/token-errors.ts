/**
 * Classifying a token endpoint's refusal. Refusals that only a new login fixes
 * (`invalid_grant`, a reused, expired or revoked refresh token, `sign_in_again`) are
 * `permanent`; network trouble, rate limits and 5xx without such a code are not. Pure.
 */

/** Bounded refusal / failure reasons of a token request. */
export type TokenFailureReason =
  | 'invalid_grant'
  | 'token_reused'
  | 'token_expired'
  | 'revoked'
  | 'sign_in_again'
  | 'invalid_client'
  | 'rate_limit'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'bad_response'
  | 'http_error';

/**
 * Error codes that only a new login fixes, wherever the server puts them (`error`,
 * `error.code`, a top-level `code`) and whatever the HTTP status: OpenAI answers a
 * reused refresh token with a 401, an expired one with a 400, and some proxies with 5xx.
 */
const PERMANENT_CODES = new Map<string, TokenFailureReason>([
  ['refresh_token_reused', 'token_reused'],
  ['refresh_token_expired', 'token_expired'],
  ['refresh_token_invalidated', 'revoked'],
  ['invalid_grant', 'invalid_grant'],
]);

/** Every code-like string of an OAuth error body. Pure. */
export function errorCodes(body: string): string[] {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return [];
  }
  if (!j || typeof j !== 'object') return [];
  const o = j as Record<string, unknown>;
  const out: string[] = [];
  const add = (v: unknown) => typeof v === 'string' && v && out.push(v);
  add(o.error);
  add(o.code);
  if (o.error && typeof o.error === 'object') {
    const e = o.error as Record<string, unknown>;
    add(e.code);
    add(e.type);
  }
  return out;
}

/** The permanent refusal an error body carries, at any HTTP status (even a 200 without tokens). */
export function permanentRefusal(body: string): TokenFailureReason | undefined {
  for (const c of errorCodes(body)) if (PERMANENT_CODES.has(c)) return PERMANENT_CODES.get(c);
  return undefined;
}

/** Classify a refused token request from its HTTP status and body. Pure. */
export function classifyTokenError(status: number, body: string): { reason: TokenFailureReason; permanent: boolean } {
  const known = permanentRefusal(body);
  if (known) return { reason: known, permanent: true };
  const codes = errorCodes(body);
  let text = body;
  try {
    const j = JSON.parse(body) as { error_description?: unknown };
    text = `${codes.join(' ')} ${typeof j.error_description === 'string' ? j.error_description : ''} ${body}`;
  } catch {
    // Not JSON: classify on the text alone.
  }
  const t = text.toLowerCase();
  if (/sign_in_again|sign in again/.test(t)) return { reason: 'sign_in_again', permanent: true };
  if (/reuse|already (been )?used/.test(t)) return { reason: 'token_reused', permanent: true };
  if (/revoked|invalidated/.test(t)) return { reason: 'revoked', permanent: true };
  if (/refresh_token_expired|refresh token (has )?expired/.test(t)) return { reason: 'token_expired', permanent: true };
  if (/invalid_grant/.test(t)) return { reason: 'invalid_grant', permanent: true };
  if (codes.includes('invalid_client') || codes.includes('unauthorized_client'))
    return { reason: 'invalid_client', permanent: true };
  if (status === 429) return { reason: 'rate_limit', permanent: false };
  if (status >= 500) return { reason: 'server_error', permanent: false };
  if (status === 401 || status === 403) return { reason: 'invalid_grant', permanent: true };
  return { reason: 'http_error', permanent: false };
}

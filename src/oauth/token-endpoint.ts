/**
 * Talking to an OAuth token endpoint (code exchange and refresh) and classifying its
 * answers. Refusals that only a new login fixes (`invalid_grant`, a reused or revoked
 * refresh token, `sign_in_again`) are `permanent`; network trouble and 5xx are not.
 * Nothing returned here contains a token: details are redacted against every secret sent.
 */
import { redact } from '../store/secrets.js';
import type { OAuthSpec } from '../providers/types.js';
import { identityFromJwt, jwtExpiryMs } from './jwt.js';

export interface TokenSet {
  access: string;
  refresh?: string;
  /** Epoch ms; from `expires_in`, else the access token's JWT `exp`. */
  expires?: number;
  idToken?: string;
  email?: string;
  accountId?: string;
}

/** Bounded refusal / failure reasons of a token request. */
export type TokenFailureReason =
  | 'invalid_grant'
  | 'token_reused'
  | 'revoked'
  | 'sign_in_again'
  | 'invalid_client'
  | 'rate_limit'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'bad_response'
  | 'http_error';

export type TokenResult =
  | { ok: true; tokens: TokenSet }
  | { ok: false; reason: TokenFailureReason; permanent: boolean; detail: string; httpStatus?: number };

export const TOKEN_TIMEOUT_MS = 15_000;

/** Classify a refused token request from its HTTP status and body. Pure. */
export function classifyTokenError(status: number, body: string): { reason: TokenFailureReason; permanent: boolean } {
  let code = '';
  let text = body;
  try {
    const j = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    const err = j.error;
    if (typeof err === 'string') code = err;
    else if (err && typeof err === 'object') code = String((err as { code?: unknown; type?: unknown }).code ?? (err as { type?: unknown }).type ?? '');
    text = `${code} ${typeof j.error_description === 'string' ? j.error_description : ''} ${body}`;
  } catch {
    // Not JSON: classify on the text alone.
  }
  const t = text.toLowerCase();
  if (/sign_in_again|sign in again/.test(t)) return { reason: 'sign_in_again', permanent: true };
  if (/reuse|already (been )?used|refresh_token_reused/.test(t)) return { reason: 'token_reused', permanent: true };
  if (/revoked|invalidated/.test(t)) return { reason: 'revoked', permanent: true };
  if (code === 'invalid_grant' || /invalid_grant/.test(t)) return { reason: 'invalid_grant', permanent: true };
  if (code === 'invalid_client' || code === 'unauthorized_client') return { reason: 'invalid_client', permanent: true };
  if (status === 429) return { reason: 'rate_limit', permanent: false };
  if (status >= 500) return { reason: 'server_error', permanent: false };
  if (status === 401 || status === 403) return { reason: 'invalid_grant', permanent: true };
  return { reason: 'http_error', permanent: false };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Parse a successful token response into a TokenSet (null when it has no access token). */
export function parseTokenResponse(json: unknown, now: number): TokenSet | null {
  if (!json || typeof json !== 'object') return null;
  const j = json as Record<string, unknown>;
  const access = str(j.access_token);
  if (!access) return null;
  const expiresIn = typeof j.expires_in === 'number' ? j.expires_in : Number(j.expires_in);
  const expires = Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : jwtExpiryMs(access);
  const idToken = str(j.id_token);
  const ident = identityFromJwt(idToken ?? access);
  // Anthropic answers with `account: { uuid, email_address }` instead of an id_token.
  const account = (j.account ?? {}) as Record<string, unknown>;
  const email = ident.email ?? str(account.email_address);
  const accountId = ident.accountId ?? str(account.uuid);
  return {
    access,
    ...(str(j.refresh_token) ? { refresh: str(j.refresh_token) as string } : {}),
    ...(expires ? { expires } : {}),
    ...(idToken ? { idToken } : {}),
    ...(email ? { email } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

/** POST `params` to the token endpoint (JSON or form body, per the provider). */
export async function requestToken(spec: OAuthSpec, params: Record<string, string>, opts: { now: () => number; timeoutMs?: number }): Promise<TokenResult> {
  const secrets = Object.entries(params)
    .filter(([k]) => k !== 'grant_type' && k !== 'client_id' && k !== 'redirect_uri' && k !== 'scope')
    .map(([, v]) => v);
  const clean = (s: string) => redact(s, secrets).slice(0, 300);
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string;
  if (spec.tokenBody === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(params).toString();
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(spec.tokenUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? TOKEN_TIMEOUT_MS) });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
    return {
      ok: false,
      reason: timeout ? 'timeout' : 'network',
      permanent: false,
      detail: timeout ? `no answer from ${spec.tokenUrl} in time` : `cannot reach ${spec.tokenUrl} (${e.cause?.code ?? e.message})`,
    };
  }
  // Anything the server sent back may echo what we posted; scrub our secrets and theirs.
  if (!res.ok) {
    const c = classifyTokenError(res.status, text);
    return { ok: false, ...c, httpStatus: res.status, detail: `token endpoint answered HTTP ${res.status}: ${clean(errorSummary(text))}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad_response', permanent: false, httpStatus: res.status, detail: 'token endpoint answered with a body that is not JSON' };
  }
  const tokens = parseTokenResponse(json, opts.now());
  if (!tokens) return { ok: false, reason: 'bad_response', permanent: false, httpStatus: res.status, detail: 'token endpoint answer has no access_token' };
  return { ok: true, tokens };
}

/** `error: error_description` of an OAuth error body, without any other field (tokens never). */
function errorSummary(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const err = typeof j.error === 'string' ? j.error : JSON.stringify((j.error as { message?: unknown })?.message ?? j.error ?? '');
    const desc = typeof j.error_description === 'string' ? `: ${j.error_description}` : '';
    return `${err}${desc}`;
  } catch {
    return text.replace(/\s+/g, ' ').slice(0, 120);
  }
}

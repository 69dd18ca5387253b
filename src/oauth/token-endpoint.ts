/**
 * Talking to an OAuth token endpoint (code exchange and refresh) and classifying its
 * answers. Refusals that only a new login fixes (`invalid_grant`, a reused or revoked
 * refresh token, `sign_in_again`) are `permanent`; network trouble and 5xx are not.
 * Nothing returned here contains a token: details are redacted against every secret sent.
 */
import { redact } from '../store/secrets.js';
import type { OAuthSpec } from '../providers/types.js';
import { identityFromJwt, jwtExpiryMs } from './jwt.js';
import { classifyTokenError, errorCodes, permanentRefusal, type TokenFailureReason } from './token-errors.js';

export { classifyTokenError, errorCodes, permanentRefusal, type TokenFailureReason } from './token-errors.js';

export interface TokenSet {
  access: string;
  refresh?: string;
  /** Epoch ms; from `expires_in`, else the access token's JWT `exp`. */
  expires?: number;
  /** Epoch ms when the refresh token ends, when the provider says (`refresh_token_expires_in`). */
  refreshExpires?: number;
  idToken?: string;
  email?: string;
  accountId?: string;
}

export type TokenResult =
  | { ok: true; tokens: TokenSet }
  | { ok: false; reason: TokenFailureReason; permanent: boolean; detail: string; httpStatus?: number };

export const TOKEN_TIMEOUT_MS = 15_000;

/**
 * Network errors raised before a single byte left for a server: the name did not resolve,
 * or nobody accepted the connection. A reset or timeout may come after the server acted.
 */
const NEVER_SENT = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);

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
  const refreshIn =
    typeof j.refresh_token_expires_in === 'number' ? j.refresh_token_expires_in : Number(j.refresh_token_expires_in);
  const refreshExpires = Number.isFinite(refreshIn) && refreshIn > 0 ? now + refreshIn * 1000 : undefined;
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
    ...(refreshExpires ? { refreshExpires } : {}),
    ...(idToken ? { idToken } : {}),
    ...(email ? { email } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

/** POST `params` to the token endpoint (JSON or form body, per the provider). */
export async function requestToken(
  spec: OAuthSpec,
  params: Record<string, string>,
  opts: { now: () => number; timeoutMs?: number },
): Promise<TokenResult> {
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
  let url = spec.tokenUrl;
  for (;;) {
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? TOKEN_TIMEOUT_MS),
      });
      text = await res.text();
      break;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const code = e.cause?.code;
      // Only a request that provably reached no server may go to the fallback host.
      if (code && NEVER_SENT.has(code) && spec.fallbackTokenUrl && url !== spec.fallbackTokenUrl) {
        url = spec.fallbackTokenUrl;
        continue;
      }
      const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
      return {
        ok: false,
        reason: timeout ? 'timeout' : 'network',
        permanent: false,
        detail: timeout ? `no answer from ${url} in time` : `cannot reach ${url} (${code ?? e.message})`,
      };
    }
  }
  // Anything the server sent back may echo what we posted; scrub our secrets and theirs.
  if (!res.ok) {
    const c = classifyTokenError(res.status, text);
    return {
      ok: false,
      ...c,
      httpStatus: res.status,
      detail: `token endpoint answered HTTP ${res.status}: ${clean(errorSummary(text))}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      reason: 'bad_response',
      permanent: false,
      httpStatus: res.status,
      detail: 'token endpoint answered with a body that is not JSON',
    };
  }
  const tokens = parseTokenResponse(json, opts.now());
  const refused = tokens ? undefined : permanentRefusal(text);
  if (refused)
    return {
      ok: false,
      reason: refused,
      permanent: true,
      httpStatus: res.status,
      detail: `token endpoint answered HTTP ${res.status}: ${clean(errorSummary(text))}`,
    };
  if (!tokens)
    return {
      ok: false,
      reason: 'bad_response',
      permanent: false,
      httpStatus: res.status,
      detail: 'token endpoint answer has no access_token',
    };
  return { ok: true, tokens };
}

/** `error: error_description` of an OAuth error body, without any other field (tokens never). */
function errorSummary(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const code = errorCodes(text).join('/');
    const message = (j.error as { message?: unknown } | undefined)?.message ?? j.message;
    const err = [code, typeof message === 'string' ? message.slice(0, 160) : ''].filter(Boolean).join(' ');
    const desc = typeof j.error_description === 'string' ? `: ${j.error_description}` : '';
    return `${err}${desc}`;
  } catch {
    return text.replace(/\s+/g, ' ').slice(0, 120);
  }
}

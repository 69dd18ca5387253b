/**
 * Reading (not verifying) JWT claims: the expiry of an access token and the email /
 * account id of an id_token. We only use them for display and scheduling; the provider
 * is the one that verifies tokens.
 */

/** The payload of a JWT, or null when `token` is not one. Never throws. */
export function decodeJwt(token: string | undefined): Record<string, unknown> | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `exp` of a JWT in epoch ms, or undefined. */
export function jwtExpiryMs(token: string | undefined): number | undefined {
  const exp = decodeJwt(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Email and account id from an id_token (or access token) as OpenAI and standard OIDC
 * providers put them: `email`, and the `https://api.openai.com/auth` claim's
 * `chatgpt_account_id`. Never `sub`: that is the user (`auth0|…`), not the ChatGPT
 * account that requests name in `ChatGPT-Account-Id`.
 */
export function identityFromJwt(token: string | undefined): { email?: string; accountId?: string } {
  const c = decodeJwt(token);
  if (!c) return {};
  const profile = (c['https://api.openai.com/profile'] ?? {}) as Record<string, unknown>;
  const auth = (c['https://api.openai.com/auth'] ?? {}) as Record<string, unknown>;
  const email = str(c.email) ?? str(profile.email);
  const accountId = str(auth.chatgpt_account_id);
  return { ...(email ? { email } : {}), ...(accountId ? { accountId } : {}) };
}

/** The ChatGPT account id claim of an OpenAI token, if present. */
export function chatgptAccountId(token: string | undefined): string | undefined {
  const auth = (decodeJwt(token)?.['https://api.openai.com/auth'] ?? {}) as Record<string, unknown>;
  return str(auth.chatgpt_account_id);
}

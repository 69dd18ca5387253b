/**
 * Building the authorization URL and reading what comes back: a loopback redirect
 * (`/auth/callback?code=…&state=…`), a pasted redirect URL, or Anthropic's `code#state`.
 * Pure; the listener and the prompts live in `login.ts`.
 */
import type { OAuthSpec } from '../providers/types.js';

/** The URL the user opens. Anthropic's paste flow asks its page to show the code (`code=true`). */
export function authorizeUrl(spec: OAuthSpec, p: { redirectUri: string; challenge: string; state: string }): string {
  const u = new URL(spec.authorizeUrl);
  if (spec.flow === 'paste') u.searchParams.set('code', 'true');
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', spec.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('scope', spec.scopes.join(' '));
  u.searchParams.set('code_challenge', p.challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('state', p.state);
  for (const [k, v] of Object.entries(spec.authorizeParams ?? {})) u.searchParams.set(k, v);
  return u.toString();
}

export type CallbackResult =
  | { ok: true; code: string; state: string }
  | { ok: false; reason: 'denied' | 'state_mismatch' | 'no_code'; detail: string };

/** Read `?code=&state=` (or `?error=`) from a redirect URL's query. */
export function fromQuery(params: URLSearchParams, expectedState: string): CallbackResult {
  const error = params.get('error');
  if (error) {
    const desc = params.get('error_description');
    return {
      ok: false,
      reason: 'denied',
      detail: `the sign-in was refused (${error}${desc ? `: ${desc.slice(0, 200)}` : ''})`,
    };
  }
  const code = params.get('code');
  if (!code) return { ok: false, reason: 'no_code', detail: 'the redirect carries no authorization code' };
  const state = params.get('state');
  if (state !== expectedState)
    return {
      ok: false,
      reason: 'state_mismatch',
      detail: 'the redirect belongs to another login attempt (state mismatch); start again',
    };
  return { ok: true, code, state: expectedState };
}

/**
 * What the user pasted: a full redirect URL, `code#state` (Anthropic's page), or a bare
 * code. Whitespace and line breaks from the terminal are stripped.
 */
export function parsePasted(text: string, expectedState: string): CallbackResult {
  const s = text.replace(/\s+/g, '');
  if (s === '') return { ok: false, reason: 'no_code', detail: 'nothing was pasted' };
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      const q = new URLSearchParams(u.search);
      // Some pages put the parameters in the fragment.
      if (!q.get('code') && u.hash) return fromQuery(new URLSearchParams(u.hash.slice(1)), expectedState);
      return fromQuery(q, expectedState);
    } catch {
      return { ok: false, reason: 'no_code', detail: 'the pasted text is not a valid URL' };
    }
  }
  const hash = s.indexOf('#');
  if (hash >= 0) {
    const code = s.slice(0, hash);
    const state = s.slice(hash + 1);
    if (!code) return { ok: false, reason: 'no_code', detail: 'the pasted text has no code before #' };
    if (state !== expectedState)
      return {
        ok: false,
        reason: 'state_mismatch',
        detail: 'the pasted code belongs to another login attempt (state mismatch); start again',
      };
    return { ok: true, code, state };
  }
  // A bare code (the `#state` part was not copied): the state is ours, sent with the code.
  return { ok: true, code: s, state: expectedState };
}

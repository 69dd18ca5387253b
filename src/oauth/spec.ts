/**
 * The OAuth endpoints of a provider: the provider file's public defaults, overridden
 * key by key by config `models.providers.<id>.oauth.{tokenUrl,fallbackTokenUrl,authorizeUrl,
 * clientId,redirectUri,scopes,originator}` (how tests point login and refresh at a local OAuth server).
 */
import type { AiproConfig } from '../config/schema.js';
import { getProvider } from '../providers/index.js';
import type { OAuthSpec } from '../providers/types.js';
import { own } from '../util/own.js';

/** The effective OAuth spec of `providerId`, or null when the provider has no OAuth. */
export function resolveOAuthSpec(providerId: string, config: Pick<AiproConfig, 'models'>): OAuthSpec | null {
  const base = getProvider(providerId)?.oauth;
  if (!base) return null;
  const o = own(config.models.providers, providerId)?.oauth ?? {};
  // An overridden token endpoint keeps no built-in fallback (a test server must never fall
  // back to the real host); `fallbackTokenUrl` sets one explicitly, "" turns it off.
  const { fallbackTokenUrl: _builtIn, ...rest } = base;
  const fallback =
    typeof o.fallbackTokenUrl === 'string'
      ? o.fallbackTokenUrl
      : typeof o.tokenUrl === 'string'
        ? ''
        : (_builtIn ?? '');
  const params = {
    ...(base.authorizeParams ?? {}),
    ...(typeof o.originator === 'string' ? { originator: o.originator } : {}),
  };
  return {
    ...rest,
    ...(fallback ? { fallbackTokenUrl: fallback } : {}),
    ...(Object.keys(params).length ? { authorizeParams: params } : {}),
    ...(typeof o.clientId === 'string' ? { clientId: o.clientId } : {}),
    ...(typeof o.authorizeUrl === 'string' ? { authorizeUrl: o.authorizeUrl } : {}),
    ...(typeof o.tokenUrl === 'string' ? { tokenUrl: o.tokenUrl } : {}),
    ...(typeof o.redirectUri === 'string' ? { redirectUri: o.redirectUri } : {}),
    ...(Array.isArray(o.scopes) ? { scopes: o.scopes.map(String) } : {}),
  };
}

/** Providers that can log in with OAuth (for help texts and errors). */
export function oauthProviderIds(): string[] {
  return ['anthropic', 'openai-codex'].filter((id) => getProvider(id)?.oauth);
}

/**
 * The OAuth endpoints of a provider: the provider file's public defaults, overridden
 * key by key by config `models.providers.<id>.oauth.{tokenUrl,authorizeUrl,clientId,
 * redirectUri,scopes}` (how tests point login and refresh at a local OAuth server).
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
  return {
    ...base,
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

/** Anthropic: API keys (`x-api-key`), setup-tokens and subscription OAuth (Bearer + beta header). */
import { CATALOG } from './catalog.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';
import { anthropicQuota } from './quota.js';

export { SETUP_TOKEN_MIN_LENGTH, SETUP_TOKEN_PREFIX } from './catalog.js';
export const OAUTH_BETA = 'oauth-2025-04-20';
export const API_VERSION = '2023-06-01';

export const anthropic: Provider = {
  ...CATALOG.anthropic,
  authHeaders(type, secret): Record<string, string> {
    if (type === 'api_key') return { 'x-api-key': secret, 'anthropic-version': API_VERSION };
    return { authorization: `Bearer ${secret}`, 'anthropic-beta': OAUTH_BETA, 'anthropic-version': API_VERSION };
  },
  probeModel: 'claude-haiku-4-5',
  /**
   * API keys: `GET /v1/models` (free). OAuth (subscription login, scope `user:profile`):
   * `GET /api/oauth/usage`, which proves the credential without inference and reports the
   * 5-hour / 7-day utilization; a 403 there is a scope refusal, not a dead credential.
   * Setup-tokens (scope `user:inference` only) cannot read usage: a 1-token message, where
   * Anthropic answers a credential that only Claude Code may use with its Claude-Code-only
   * error (reported `rejected` with the API-key hint). aipro never sends Claude Code's
   * identity to get past that answer.
   */
  async probe(req) {
    const headers = anthropic.authHeaders(req.type, req.secret);
    const fix = anthropic.fixCommand(req.type);
    if (req.type === 'api_key')
      return httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/v1/models?limit=1'), headers, fix });
    if (req.type === 'oauth') {
      const r = await httpProbe(req, {
        method: 'GET',
        url: joinUrl(req.baseUrl, '/api/oauth/usage'),
        headers,
        fix,
        quota: anthropicQuota,
      });
      if (r.httpStatus !== 403 || r.reason !== 'auth') return r;
      // The server knew the token and refused only the scope: it authenticates.
      const { hint: _hint, ...rest } = r;
      return {
        ...rest,
        ok: true,
        reason: 'ok',
        detail: `${r.detail ?? 'HTTP 403'} (usage needs scope user:profile; the token itself was accepted)`,
      };
    }
    const body = {
      model: req.model ?? anthropic.probeModel,
      max_tokens: 1,
      messages: [{ role: 'user', content: 'ping' }],
    };
    return httpProbe(req, { method: 'POST', url: joinUrl(req.baseUrl, '/v1/messages'), headers, body, fix });
  },
  oauth: {
    clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
    authorizeUrl: 'https://claude.ai/oauth/authorize',
    // Claude Code ≥ 2.1.80 exchanges and refreshes here; the console host is the old one.
    tokenUrl: 'https://platform.claude.com/v1/oauth/token',
    fallbackTokenUrl: 'https://console.anthropic.com/v1/oauth/token',
    // The old page, https://console.anthropic.com/oauth/code/callback, is selectable in config.
    redirectUri: 'https://platform.claude.com/oauth/code/callback',
    scopes: ['org:create_api_key', 'user:profile', 'user:inference'],
    tokenBody: 'json',
    flow: 'paste',
  },
};

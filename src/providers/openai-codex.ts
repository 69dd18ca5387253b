/** OpenAI Codex: ChatGPT-subscription OAuth with rotating refresh tokens. */
import { CATALOG } from './catalog.js';
import { bearer } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';
import { codexQuota } from './quota.js';

export const openaiCodex: Provider = {
  ...CATALOG['openai-codex'],
  authHeaders: (_type, secret) => bearer(secret),
  /**
   * `GET /wham/usage` (what the Codex CLI checks): authenticated, free, and it reports the
   * primary / secondary usage windows. Like every Codex request it names the ChatGPT
   * account (`ChatGPT-Account-Id`) when the profile knows it.
   */
  probe: (req) =>
    httpProbe(req, {
      method: 'GET',
      url: joinUrl(req.baseUrl, '/wham/usage'),
      headers: {
        ...openaiCodex.authHeaders(req.type, req.secret),
        ...(req.accountId && /^[\x21-\x7e]{1,200}$/.test(req.accountId) ? { 'ChatGPT-Account-Id': req.accountId } : {}),
      },
      fix: openaiCodex.fixCommand(req.type),
      quota: codexQuota,
    }),
  oauth: {
    clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
    authorizeUrl: 'https://auth.openai.com/oauth/authorize',
    tokenUrl: 'https://auth.openai.com/oauth/token',
    redirectUri: 'http://localhost:1455/auth/callback',
    // What every Codex client sends; `originator` names the client (config `oauth.originator`).
    authorizeParams: { id_token_add_organizations: 'true', codex_cli_simplified_flow: 'true', originator: 'aipro' },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    tokenBody: 'form',
    flow: 'loopback',
  },
};

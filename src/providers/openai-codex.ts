/** OpenAI Codex: ChatGPT-subscription OAuth with rotating refresh tokens. */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openaiCodex: Provider = {
  id: 'openai-codex',
  label: 'OpenAI Codex (ChatGPT)',
  envVars: [],
  defaultBaseUrl: 'https://chatgpt.com/backend-api',
  api: 'codex-responses',
  types: ['oauth'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('openai-codex', type),
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /wham/usage` (what the Codex CLI checks): authenticated, free. */
  probe: (req) => httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/wham/usage'), headers: openaiCodex.authHeaders(req.type, req.secret), fix: openaiCodex.fixCommand(req.type) }),
  oauth: {
    clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
    authorizeUrl: 'https://auth.openai.com/oauth/authorize',
    tokenUrl: 'https://auth.openai.com/oauth/token',
    redirectUri: 'http://localhost:1455/auth/callback',
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    tokenBody: 'form',
    flow: 'loopback',
  },
};

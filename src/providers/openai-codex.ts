/** OpenAI Codex: ChatGPT-subscription OAuth with rotating refresh tokens. */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';

export const openaiCodex: Provider = {
  id: 'openai-codex',
  label: 'OpenAI Codex (ChatGPT)',
  envVars: [],
  defaultBaseUrl: 'https://chatgpt.com/backend-api',
  api: 'openai',
  types: ['oauth'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('openai-codex', type),
  authHeaders: (_type, secret) => bearer(secret),
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

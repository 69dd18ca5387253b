/** OpenRouter API keys (`sk-or-v1-…`). */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openrouter: Provider = {
  id: 'openrouter',
  label: 'OpenRouter',
  envVars: ['OPENROUTER_API_KEY'],
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret(_type, secret) {
    const basic = basicSecretProblem(secret);
    if (basic) return basic;
    if (!secret.startsWith('sk-or-')) return 'an OpenRouter key starts with sk-or-';
    return null;
  },
  fixCommand: (type) => defaultFixCommand('openrouter', type),
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /key`: authenticated key info (`/models` is public and proves nothing). */
  probe: (req) => httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/key'), headers: openrouter.authHeaders(req.type, req.secret), fix: openrouter.fixCommand(req.type) }),
};

/** OpenAI platform API keys. */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openai: Provider = {
  id: 'openai',
  label: 'OpenAI',
  envVars: ['OPENAI_API_KEY'],
  defaultBaseUrl: 'https://api.openai.com/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret(type, secret) {
    const basic = basicSecretProblem(secret);
    if (basic) return basic;
    if (type === 'api_key' && !secret.startsWith('sk-')) return 'an OpenAI API key starts with sk-';
    return null;
  },
  fixCommand: (type) => defaultFixCommand('openai', type),
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /models`: authenticated, free. */
  probe: (req) => httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/models'), headers: openai.authHeaders(req.type, req.secret), fix: openai.fixCommand(req.type) }),
};

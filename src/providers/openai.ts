/** OpenAI platform API keys. */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';

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
};

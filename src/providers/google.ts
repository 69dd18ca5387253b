/** Google Gemini API keys (`x-goog-api-key`). */
import { basicSecretProblem, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const google: Provider = {
  id: 'google',
  label: 'Google Gemini',
  envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  api: 'google',
  types: ['api_key'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('google', type),
  authHeaders: (_type, secret) => ({ 'x-goog-api-key': secret }),
  /** `GET /v1beta/models`: authenticated, free. */
  probe: (req) => httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/v1beta/models?pageSize=1'), headers: google.authHeaders(req.type, req.secret), fix: google.fixCommand(req.type) }),
};

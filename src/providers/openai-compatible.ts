/** Any OpenAI-compatible server (vLLM, Ollama, LiteLLM…): base URL from config. */
import { basicSecretProblem, bearer, defaultFixCommand } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openaiCompatible: Provider = {
  id: 'openai-compatible',
  label: 'OpenAI-compatible',
  envVars: ['OPENAI_COMPATIBLE_API_KEY'],
  defaultBaseUrl: 'http://127.0.0.1:8000/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('openai-compatible', type),
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /models`: every OpenAI-compatible server has it. */
  probe: (req) => httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/models'), headers: openaiCompatible.authHeaders(req.type, req.secret), fix: openaiCompatible.fixCommand(req.type) }),
};

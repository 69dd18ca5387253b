/** Any OpenAI-compatible server (vLLM, Ollama, LiteLLM…): base URL from config. */
import { CATALOG } from './catalog.js';
import { bearer } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openaiCompatible: Provider = {
  ...CATALOG['openai-compatible'],
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /models`: every OpenAI-compatible server has it. */
  probe: (req) =>
    httpProbe(req, {
      method: 'GET',
      url: joinUrl(req.baseUrl, '/models'),
      headers: openaiCompatible.authHeaders(req.type, req.secret),
      fix: openaiCompatible.fixCommand(req.type),
    }),
};

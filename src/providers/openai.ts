/** OpenAI platform API keys. */
import { CATALOG } from './catalog.js';
import { bearer } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openai: Provider = {
  ...CATALOG.openai,
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /models`: authenticated, free. */
  probe: (req) =>
    httpProbe(req, {
      method: 'GET',
      url: joinUrl(req.baseUrl, '/models'),
      headers: openai.authHeaders(req.type, req.secret),
      fix: openai.fixCommand(req.type),
    }),
};

/** OpenRouter API keys (`sk-or-v1-…`). */
import { CATALOG } from './catalog.js';
import { bearer } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const openrouter: Provider = {
  ...CATALOG.openrouter,
  authHeaders: (_type, secret) => bearer(secret),
  /** `GET /key`: authenticated key info (`/models` is public and proves nothing). */
  probe: (req) =>
    httpProbe(req, {
      method: 'GET',
      url: joinUrl(req.baseUrl, '/key'),
      headers: openrouter.authHeaders(req.type, req.secret),
      fix: openrouter.fixCommand(req.type),
    }),
};

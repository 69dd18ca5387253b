/** Google Gemini API keys (`x-goog-api-key`). */
import { CATALOG } from './catalog.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const google: Provider = {
  ...CATALOG.google,
  authHeaders: (_type, secret) => ({ 'x-goog-api-key': secret }),
  /** `GET /v1beta/models`: authenticated, free. */
  probe: (req) =>
    httpProbe(req, {
      method: 'GET',
      url: joinUrl(req.baseUrl, '/v1beta/models?pageSize=1'),
      headers: google.authHeaders(req.type, req.secret),
      fix: google.fixCommand(req.type),
    }),
};

/** Anthropic: API keys (`x-api-key`), setup-tokens and subscription OAuth (Bearer + beta header). */
import type { CredentialType } from '../store/schema.js';
import { basicSecretProblem } from './common.js';
import type { Provider } from './types.js';
import { httpProbe, joinUrl } from './http-probe.js';

export const SETUP_TOKEN_PREFIX = 'sk-ant-oat01-';
export const SETUP_TOKEN_MIN_LENGTH = 80;
export const OAUTH_BETA = 'oauth-2025-04-20';
export const API_VERSION = '2023-06-01';

export const anthropic: Provider = {
  id: 'anthropic',
  label: 'Anthropic',
  envVars: ['ANTHROPIC_API_KEY'],
  defaultBaseUrl: 'https://api.anthropic.com',
  api: 'anthropic',
  types: ['api_key', 'token', 'oauth'],
  validateSecret(type: CredentialType, secret: string) {
    const basic = basicSecretProblem(secret);
    if (basic) return basic;
    if (type === 'api_key' && !secret.startsWith('sk-ant-')) return 'an Anthropic API key starts with sk-ant-';
    if (type === 'token') {
      if (!secret.startsWith(SETUP_TOKEN_PREFIX)) return `an Anthropic setup-token starts with ${SETUP_TOKEN_PREFIX} (run \`claude setup-token\` to create one)`;
      if (secret.length < SETUP_TOKEN_MIN_LENGTH) return `an Anthropic setup-token is at least ${SETUP_TOKEN_MIN_LENGTH} characters; this one is ${secret.length} (was it cut off when pasting?)`;
    }
    return null;
  },
  fixCommand(type) {
    // setup-token runs `claude setup-token` itself; chaining it here would run it twice.
    if (type === 'token') return 'aipro models auth setup-token --provider anthropic';
    if (type === 'oauth') return 'aipro models auth login --provider anthropic';
    return 'aipro models auth add-key --provider anthropic';
  },
  authHeaders(type, secret): Record<string, string> {
    if (type === 'api_key') return { 'x-api-key': secret, 'anthropic-version': API_VERSION };
    return { authorization: `Bearer ${secret}`, 'anthropic-beta': OAUTH_BETA, 'anthropic-version': API_VERSION };
  },
  probeModel: 'claude-haiku-4-5',
  /**
   * API keys: `GET /v1/models` (free). Setup-tokens and OAuth: a 1-token message, because
   * that is where Anthropic refuses Claude-Code-only credentials.
   */
  probe(req) {
    const headers = anthropic.authHeaders(req.type, req.secret);
    const fix = anthropic.fixCommand(req.type);
    if (req.type === 'api_key') return httpProbe(req, { method: 'GET', url: joinUrl(req.baseUrl, '/v1/models?limit=1'), headers, fix });
    const body = { model: req.model ?? anthropic.probeModel, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] };
    return httpProbe(req, { method: 'POST', url: joinUrl(req.baseUrl, '/v1/messages'), headers, body, fix });
  },
  oauth: {
    clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
    authorizeUrl: 'https://claude.ai/oauth/authorize',
    tokenUrl: 'https://console.anthropic.com/v1/oauth/token',
    redirectUri: 'https://console.anthropic.com/oauth/code/callback',
    scopes: ['org:create_api_key', 'user:profile', 'user:inference'],
    tokenBody: 'json',
    flow: 'paste',
  },
};

/**
 * The provider catalog: static facts the core may read (ids, labels, env var names, default
 * base URLs, wire APIs, credential types, secret-shape rules, fix commands). No I/O, no
 * imports: probing, auth headers and OAuth specs live in the provider files (index.ts), which
 * use the store; the store reads only this file.
 */

export const CREDENTIAL_TYPES = ['api_key', 'token', 'oauth'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export interface ProviderFacts {
  id: string;
  label: string;
  /** Env vars that hold an API key for this provider, first wins. */
  envVars: readonly string[];
  defaultBaseUrl: string;
  /**
   * Wire protocol of the model API. `codex-responses`: the ChatGPT Codex backend's
   * Responses API (`…/codex/responses`, always streamed, needs `ChatGPT-Account-Id`).
   */
  api: 'anthropic' | 'openai' | 'google' | 'codex-responses';
  /** Credential types this provider accepts. */
  types: readonly CredentialType[];
  /** Problem with a secret's shape, or null when it looks right. Never echoes the secret. */
  validateSecret(type: CredentialType, secret: string): string | null;
  /** The command that replaces a broken credential of this type. */
  fixCommand(type: CredentialType): string;
}

export const SETUP_TOKEN_PREFIX = 'sk-ant-oat01-';
export const SETUP_TOKEN_MIN_LENGTH = 80;

/** A secret must be one printable token: no spaces, no control characters. */
export function basicSecretProblem(secret: string): string | null {
  if (secret.length === 0) return 'the secret is empty';
  if (/\s/.test(secret)) return 'the secret contains whitespace';
  if (/[^\x21-\x7e]/.test(secret)) return 'the secret contains non-printable or non-ASCII characters';
  return null;
}

/** Default fix commands: add-key for API keys, paste-token for tokens, login for OAuth. */
export function defaultFixCommand(provider: string, type: CredentialType): string {
  switch (type) {
    case 'api_key':
      return `aipro models auth add-key --provider ${provider}`;
    case 'token':
      return `aipro models auth paste-token --provider ${provider}`;
    case 'oauth':
      return `aipro models auth login --provider ${provider}`;
  }
}

/** A key that must start with `prefix` (after the basic shape check). */
function prefixed(prefix: string, what: string, types: readonly CredentialType[]) {
  return (type: CredentialType, secret: string): string | null =>
    basicSecretProblem(secret) ??
    (types.includes(type) && !secret.startsWith(prefix) ? `${what} starts with ${prefix}` : null);
}

const anthropic: ProviderFacts = {
  id: 'anthropic',
  label: 'Anthropic',
  envVars: ['ANTHROPIC_API_KEY'],
  defaultBaseUrl: 'https://api.anthropic.com',
  api: 'anthropic',
  types: ['api_key', 'token', 'oauth'],
  validateSecret(type, secret) {
    const basic = basicSecretProblem(secret);
    if (basic) return basic;
    if (type === 'api_key' && !secret.startsWith('sk-ant-')) return 'an Anthropic API key starts with sk-ant-';
    if (type === 'token') {
      if (!secret.startsWith(SETUP_TOKEN_PREFIX))
        return `an Anthropic setup-token starts with ${SETUP_TOKEN_PREFIX} (run \`claude setup-token\` to create one)`;
      if (secret.length < SETUP_TOKEN_MIN_LENGTH)
        return (
          `an Anthropic setup-token is at least ${SETUP_TOKEN_MIN_LENGTH} characters; this one is ${secret.length} ` +
          `(was it cut off when pasting?)`
        );
    }
    return null;
  },
  fixCommand(type) {
    // setup-token runs `claude setup-token` itself; chaining it here would run it twice.
    if (type === 'token') return 'aipro models auth setup-token --provider anthropic';
    if (type === 'oauth') return 'aipro models auth login --provider anthropic';
    return 'aipro models auth add-key --provider anthropic';
  },
};

const openai: ProviderFacts = {
  id: 'openai',
  label: 'OpenAI',
  envVars: ['OPENAI_API_KEY'],
  defaultBaseUrl: 'https://api.openai.com/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret: prefixed('sk-', 'an OpenAI API key', ['api_key']),
  fixCommand: (type) => defaultFixCommand('openai', type),
};

const openrouter: ProviderFacts = {
  id: 'openrouter',
  label: 'OpenRouter',
  envVars: ['OPENROUTER_API_KEY'],
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret: prefixed('sk-or-', 'an OpenRouter key', ['api_key', 'token', 'oauth']),
  fixCommand: (type) => defaultFixCommand('openrouter', type),
};

const google: ProviderFacts = {
  id: 'google',
  label: 'Google Gemini',
  envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  api: 'google',
  types: ['api_key'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('google', type),
};

const openaiCodex: ProviderFacts = {
  id: 'openai-codex',
  label: 'OpenAI Codex (ChatGPT)',
  envVars: [],
  defaultBaseUrl: 'https://chatgpt.com/backend-api',
  api: 'codex-responses',
  types: ['oauth'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('openai-codex', type),
};

const openaiCompatible: ProviderFacts = {
  id: 'openai-compatible',
  label: 'OpenAI-compatible',
  envVars: ['OPENAI_COMPATIBLE_API_KEY'],
  defaultBaseUrl: 'http://127.0.0.1:8000/v1',
  api: 'openai',
  types: ['api_key', 'token'],
  validateSecret: (_type, secret) => basicSecretProblem(secret),
  fixCommand: (type) => defaultFixCommand('openai-compatible', type),
};

/** Every provider, in the order status lists env credentials. */
export const CATALOG = {
  anthropic,
  openai,
  openrouter,
  google,
  'openai-codex': openaiCodex,
  'openai-compatible': openaiCompatible,
} as const satisfies Readonly<Record<string, ProviderFacts>>;

export function providerFacts(id: string): ProviderFacts | undefined {
  return Object.hasOwn(CATALOG, id) ? (CATALOG as Readonly<Record<string, ProviderFacts>>)[id] : undefined;
}

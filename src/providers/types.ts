/**
 * The Provider interface: everything aipro knows about one model provider.
 * One file per provider in this folder, registered in `index.ts`.
 */
import type { CredentialType, QuotaWindow } from '../store/schema.js';

/** Bounded probe / failure reasons (used as metric label values and alert reasons). */
export const PROBE_REASONS = [
  'ok',
  'auth',
  'auth_permanent',
  'billing',
  'rate_limit',
  'overloaded',
  'timeout',
  'network',
  'format',
  'model_not_found',
  'unknown',
] as const;
export type ProbeReason = (typeof PROBE_REASONS)[number];

/** Outcome of one live check of a credential. Expected failures are data, never exceptions. */
export interface ProbeResult {
  ok: boolean;
  reason: ProbeReason;
  httpStatus?: number;
  latencyMs: number;
  requestId?: string;
  /** What the operator should do; never contains the secret. */
  hint?: string;
  /** Short, redacted description of what happened. */
  detail?: string;
  retryAfterMs?: number;
  /** Quota windows from the answer's rate-limit headers and the usage endpoint's body. */
  quota?: QuotaWindow[];
  /** Anthropic's unified rate-limit status of the answer, when sent. */
  quotaStatus?: 'allowed' | 'allowed_warning' | 'rejected';
  /** Provider `Date` minus the local clock, in ms. */
  clockSkewMs?: number;
}

export interface ProbeRequest {
  baseUrl: string;
  type: CredentialType;
  secret: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Provider account id of an OAuth credential (Codex: `ChatGPT-Account-Id`). */
  accountId?: string;
  /** Model for probes that need a message (max_tokens 1); the provider's default otherwise. */
  model?: string;
}

/** OAuth endpoints of a subscription provider (overridable in config for tests). */
export interface OAuthSpec {
  clientId: string;
  authorizeUrl: string;
  tokenUrl: string;
  /**
   * Second token endpoint, tried only when `tokenUrl` was provably never reached (DNS
   * failure, connection refused): a request that may have been processed is never resent,
   * because a refresh token must not be presented twice.
   */
  fallbackTokenUrl?: string;
  redirectUri: string;
  /** Extra authorize-URL parameters the provider's own clients send. */
  authorizeParams?: Record<string, string>;
  scopes: string[];
  /** `json` (Anthropic) or `form` (standard RFC 6749 body). */
  tokenBody: 'json' | 'form';
  /** `loopback`: local listener catches the redirect; `paste`: the page shows `code#state`. */
  flow: 'loopback' | 'paste';
}

export interface Provider {
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
  /** HTTP headers that authenticate a request with this credential. */
  authHeaders(type: CredentialType, secret: string): Record<string, string>;
  /** A cheap authenticated request that tells whether the credential works. */
  probe?(req: ProbeRequest): Promise<ProbeResult>;
  oauth?: OAuthSpec;
  /** Model used by a probe that has to send a message (when config names none of this provider's). */
  probeModel?: string;
}

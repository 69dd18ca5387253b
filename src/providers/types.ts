/**
 * The Provider interface: everything aipro knows about one model provider.
 * One file per provider in this folder, registered in `index.ts`.
 */
import type { CredentialType, ProviderFacts } from './catalog.js';
import type { QuotaWindow } from '../store/schema.js';

export { PROBE_REASONS, type ProbeReason } from '../store/reasons.js';
import type { ProbeReason } from '../store/reasons.js';

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

/** A provider: its catalog facts plus how to authenticate and probe it. */
export interface Provider extends ProviderFacts {
  /** HTTP headers that authenticate a request with this credential. */
  authHeaders(type: CredentialType, secret: string): Record<string, string>;
  /** A cheap authenticated request that tells whether the credential works. */
  probe?(req: ProbeRequest): Promise<ProbeResult>;
  oauth?: OAuthSpec;
  /** Model used by a probe that has to send a message (when config names none of this provider's). */
  probeModel?: string;
}

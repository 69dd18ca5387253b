/**
 * The Observation contract: what a monitor saw, in the shape the alerts and the exporters
 * consume. Monitors produce observations; they never send alerts or render metrics.
 */
import type { ProbeReason } from './store/reasons.js';
import type { QuotaRecord } from './store/schema.js';
import type { CredentialSource, Status } from './store/status.js';

export { coolsDown, PROBE_REASONS, REASON_EFFECTS, type ProbeReason } from './store/reasons.js';

/** One credential as the monitor saw it (the same status function as `models status`). */
export interface CredentialObservation {
  kind: 'credential';
  agent: string;
  provider: string;
  /** Profile id (`anthropic:work`, `anthropic:env`, `anthropic:none` for a missing provider). */
  profile: string;
  type: 'api_key' | 'token' | 'oauth' | 'none' | 'unknown';
  source: CredentialSource;
  status: Status;
  detail: string;
  expiresAt?: number;
  /** The command that fixes it (for alerts and logs). */
  hint?: string;
  /** sha256 prefix of the current secret: changes when the credential is replaced (new alert episode). */
  secretHash?: string;
  cooldownUntil?: number;
  /**
   * OAuth with a refresh token: `expiresAt` is the access token's routine expiry, not the
   * end of the credential (the metrics leave it out; the rules would otherwise page hourly).
   */
  refreshable?: boolean;
  /** OAuth: when the refresh token ends (epoch ms), when the provider stated it. */
  refreshExpiresAt?: number;
  /** OAuth that refreshes itself: when the next refresh is due (access expiry − `auth.refreshSkewMs`). */
  nextRefreshAt?: number;
  /** Last live probe, when one ran. */
  probe?: {
    ok: boolean;
    reason: ProbeReason | string;
    httpStatus?: number;
    latencyMs?: number;
    at: number;
    clockSkewMs?: number;
  };
  /** Latest quota observation (probe or gateway answer), windows labelled. */
  quota?: QuotaRecord;
}

/**
 * Store observation reasons that mean the credentials could not be read at all (the reader's
 * reasons; `version`, `permission` and `io` are accepted too so a finer reader needs no change here).
 */
export const STORE_READ_FAILURES: ReadonlySet<string> = new Set([
  'unreadable',
  'parse',
  'schema',
  'encoding',
  'too_large',
  'version',
  'permission',
  'io',
]);

/** A store file problem (unreadable, bad mode, stale lock, parse error). */
export interface StoreObservation {
  kind: 'store';
  agent: string;
  path: string;
  ok: boolean;
  /** Bounded: ok, unreadable, parse, schema, encoding, too_large, mode, stale_lock. */
  reason: string;
  detail?: string;
}

/** One OAuth refresh attempt by the refresh monitor. */
export interface RefreshObservation {
  kind: 'refresh';
  agent: string;
  provider: string;
  profile: string;
  /** ok | failed (permanent refusal) | error (transient; retried) | skipped (another process did it). */
  result: 'ok' | 'failed' | 'error' | 'skipped';
  detail?: string;
}

/** One live probe by the validity monitor. */
export interface ProbeObservation {
  kind: 'probe';
  agent: string;
  provider: string;
  profile: string;
  ok: boolean;
  reason: ProbeReason;
  latencyMs: number;
  httpStatus?: number;
}

export type Observation = CredentialObservation | StoreObservation | RefreshObservation | ProbeObservation;

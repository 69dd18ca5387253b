/**
 * The Observation contract: what a monitor saw, in the shape the alerts and the exporters
 * consume. Monitors produce observations; they never send alerts or render metrics.
 */
import type { CredentialSource, Status } from './store/status.js';

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
  /** Last live probe, when one ran. */
  probe?: { ok: boolean; reason: ProbeReason | string; httpStatus?: number; latencyMs?: number; at: number };
}

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

/**
 * What a reason means for the credential that got it — the ONE table:
 * - `failover`: the gateway tries the next profile (the failure may be this credential's);
 * - `cooldown`: the failure counts against the profile (cooldown, or a disable for billing).
 *   `format` and `model_not_found` say the request was wrong, not the key: cooling a good key
 *   down because a client asked for a bad model helps nobody;
 * - `refreshable`: an OAuth refresh might cure it (only a plain refusal; a 403 never is, see
 *   the classifier).
 */
export const REASON_EFFECTS: Readonly<Record<ProbeReason, { failover: boolean; cooldown: boolean; refreshable: boolean }>> = {
  ok: { failover: false, cooldown: false, refreshable: false },
  auth: { failover: true, cooldown: true, refreshable: true },
  auth_permanent: { failover: true, cooldown: true, refreshable: false },
  billing: { failover: true, cooldown: true, refreshable: false },
  rate_limit: { failover: true, cooldown: true, refreshable: false },
  overloaded: { failover: true, cooldown: true, refreshable: false },
  timeout: { failover: true, cooldown: true, refreshable: false },
  network: { failover: true, cooldown: true, refreshable: false },
  format: { failover: false, cooldown: false, refreshable: false },
  model_not_found: { failover: false, cooldown: false, refreshable: false },
  unknown: { failover: false, cooldown: true, refreshable: false },
};

/** Does a failure with `reason` count against the profile? Reasons outside the vocabulary do. */
export function coolsDown(reason: string): boolean {
  return Object.hasOwn(REASON_EFFECTS, reason) ? REASON_EFFECTS[reason as ProbeReason].cooldown : true;
}

/**
 * Store observation reasons that mean the credentials could not be read at all (the reader's
 * reasons; `version`, `permission` and `io` are accepted too so a finer reader needs no change here).
 */
export const STORE_READ_FAILURES: ReadonlySet<string> = new Set(['unreadable', 'parse', 'schema', 'encoding', 'too_large', 'version', 'permission', 'io']);

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

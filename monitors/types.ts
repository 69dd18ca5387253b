/**
 * The Monitor interface. One file per monitor in this folder, registered in `index.ts`.
 * A monitor looks at the world once and returns observations; it never sends alerts
 * or renders metrics itself (the scheduler hands observations to both).
 */
import type { AiproConfig } from '../src/config/schema.js';
import type { ProbeReason } from '../src/providers/types.js';
import type { QuotaRecord } from '../src/store/schema.js';
import type { CredentialSource, Status } from '../src/store/status.js';

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
  probe?: { ok: boolean; reason: ProbeReason | string; httpStatus?: number; latencyMs?: number; at: number; clockSkewMs?: number };
  /** Latest quota observation (probe or gateway answer), windows labelled. */
  quota?: QuotaRecord;
}

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

export interface MonitorLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** What a monitor run gets. I/O is injected so tests use temp dirs and local servers. */
export interface MonitorContext {
  config: AiproConfig;
  env: Record<string, string>;
  now: () => number;
  /** Agents to look at (id + store path). */
  agents: { id: string; storePath: string; isDefault: boolean }[];
  log: MonitorLogger;
  signal?: AbortSignal;
}

export interface Monitor {
  name: 'expiry' | 'validity' | 'store' | 'refresh';
  /** Cron expression used when `monitor.schedules.<name>` is not set. */
  defaultSchedule: string;
  run(ctx: MonitorContext): Promise<Observation[]>;
}

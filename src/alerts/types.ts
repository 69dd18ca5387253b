/**
 * Alert vocabulary shared by the engine, the state file, the channels and the CLI.
 * Nothing here does I/O.
 */
import type { AiproConfig } from '../config/schema.js';
import type { Status } from '../store/status.js';

/** Kinds of notification. `resolved` ends an episode; `test` is `aipro alerts test`. */
export const ALERT_KINDS = [
  'expiring',
  'expired',
  'rejected',
  'refresh_failed',
  'missing',
  'invalid',
  'probe_failing',
  'store_unreadable',
  'resolved',
  'test',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Kinds that describe a condition (an episode is "firing" one of these). */
export type FiringKind = Exclude<AlertKind, 'resolved' | 'test'>;

export type Severity = 'info' | 'warning' | 'critical';

/**
 * Episodes are tracked per subject and track: `status` (expiry ladder and failing statuses)
 * and `probe` (consecutive failed live probes) fire and resolve independently; `store` is one
 * per agent (its auth store cannot be read, so none of its credentials can be judged).
 */
export type Track = 'status' | 'probe' | 'store';

/** One message to deliver. Immutable once created; the outbox stores it as is. */
export interface Notification {
  /** Stable idempotency key: episode + kind + threshold. Sent as `Idempotency-Key` / Message-ID. */
  key: string;
  episode: string;
  kind: AlertKind;
  /** The condition a `resolved` ends, or the condition of a reminder. */
  condition?: FiringKind;
  /** Ladder threshold (`3d`), `repeat-N` for a repeat, absent otherwise. */
  threshold?: string;
  severity: Severity;
  agent: string;
  provider: string;
  profile: string;
  credentialType: string;
  credentialStatus: Status | 'unknown';
  expiresAt?: number;
  /** Human detail from the observation (never a secret). */
  detail: string;
  /** The exact command that fixes it. */
  fix?: string;
  /** Probe reason for probe_failing. */
  probeReason?: string;
  failedProbes?: number;
  host: string;
  /** When the episode started (Alertmanager startsAt). */
  startedAt: number;
  /** When the engine created this notification. */
  createdAt: number;
  /** When a firing kind replaced another within one episode (Alertmanager resolves the old one). */
  previousCondition?: FiringKind;
}

/** What one delivery attempt came to. Expected failures are data. */
export type DeliveryResult = { ok: true; detail?: string } | { ok: false; retry: boolean; detail: string };

/** Per-send context: the clock and an abort signal bound to the channel timeout. */
export interface SendContext {
  now: number;
  signal: AbortSignal;
  /** Monitor cycle interval, for Alertmanager `endsAt`. */
  cycleIntervalMs: number;
}

/** A built, validated channel. One implementation per file in `channels/`. */
export interface Channel {
  name: string;
  type: string;
  timeoutMs: number;
  send(n: Notification, ctx: SendContext): Promise<DeliveryResult>;
  /** Called every cycle with every firing alert (Alertmanager forgets alerts that are not re-sent). */
  refresh?(firing: Notification[], ctx: SendContext): Promise<DeliveryResult>;
}

/**
 * Where alert delivery results go (the monitor maps these to
 * `aipro_alert_notifications_total{channel,result}` and `aipro_alert_outbox_pending{channel}`).
 * `result` is one of `delivered`, `retry`, `permanent`, `dropped`.
 */
export interface AlertMetricsSink {
  notification(channel: string, result: string): void;
  outboxPending(channel: string, count: number): void;
  /** `aipro_alert_state_ok`: 1 when monitor/state.json parses, 0 while alerts run from a fresh state beside it. */
  stateOk?(ok: 0 | 1): void;
}

/** Engine policy, parsed from `alerts.*`. */
export interface AlertPolicy {
  /** Ladder in ms, any order (the engine sorts it). */
  thresholdsMs: { label: string; ms: number }[];
  /** Less than this left: the critical expiry alert (`alerts.criticalWithin`). */
  criticalMs: number;
  repeatMs: number;
  probeFailingCycles: number;
  host: string;
}

/** One alerting period of one subject (agent + profile) on one track. */
export interface Episode {
  id: string;
  track: Track;
  agent: string;
  provider: string;
  profile: string;
  credentialType: string;
  /** The credential this episode is about; a different hash starts a new episode. */
  secretHash?: string;
  startedAt: number;
  condition: FiringKind;
  /** Ladder labels handled (sent, or skipped because a more urgent one was crossed at once). */
  passed: string[];
  /** Firing kinds already announced in this episode. */
  announced: FiringKind[];
  /** Last time a notification was emitted (0: never). Repeats count from here. */
  lastNotifiedAt: number;
  repeats: number;
  /** Something was emitted (a `resolved` is only sent for episodes somebody heard about). */
  notified: boolean;
  last: {
    status: Status | 'unknown';
    detail: string;
    expiresAt?: number;
    fix?: string;
    probeReason?: string;
    failedProbes?: number;
  };
}

/** Consecutive failed live probes of one subject. */
export interface ProbeTrackState {
  streak: number;
  lastAt: number;
  reason?: string;
  secretHash?: string;
}

/** `aipro alerts silence ID --for 2d`: no firing notifications for this profile until `until`. */
export interface Silence {
  profile: string;
  until: number;
  createdAt: number;
}

/** A notification waiting for one channel. */
export interface OutboxItem {
  channel: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  enqueuedAt: number;
  lastError?: string;
}

/** `monitor/state.json`. */
export interface AlertState {
  version: 1;
  episodes: Record<string, Episode>;
  probes: Record<string, ProbeTrackState>;
  silences: Record<string, Silence>;
  outbox: OutboxItem[];
  /**
   * Counts episodes ever opened. It goes into each episode id, so two episodes of one subject
   * that open in the same millisecond (a credential replaced and failing at once) never share
   * an id or an idempotency key. Absent in state files written before it existed.
   */
  generation?: number;
}

/** A fresh, empty state. */
export function emptyState(): AlertState {
  return { version: 1, episodes: {}, probes: {}, silences: {}, outbox: [] };
}

/** What a channel builder may use; secrets are resolved at send time, never here. */
export interface BuildContext {
  config: AiproConfig;
  env: Record<string, string>;
  host: string;
}

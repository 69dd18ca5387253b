/**
 * The small pure rules the engine applies: which condition an observation is in,
 * which probe failures count, how severe a kind is, and the policy from config.
 */
import type { AiproConfig } from '../config/schema.js';
import type { CredentialObservation, Observation, StoreObservation } from '../observation.js';
import { parseDuration } from '../util/duration.js';
import type { AlertKind, AlertPolicy, FiringKind, Severity } from './types.js';
import { DEFAULT_CRITICAL_S, pushedDef } from './catalogue.js';

/** Subject key = `agent/profile` (agent ids never contain `/`). */
export const SUBJECT_SEP = '/';

const FAILING_STATUS: Partial<Record<string, FiringKind>> = {
  expired: 'expired',
  rejected: 'rejected',
  refresh_failed: 'refresh_failed',
  missing: 'missing',
  invalid: 'invalid',
};

/**
 * The condition of the `status` track. A failing status fires as itself; a credential with a
 * known expiry fires `expiring` once the largest ladder threshold is crossed. An OAuth access
 * token that refreshes itself is routine, never a ladder.
 */
export function conditionOf(o: CredentialObservation, now: number, policy: AlertPolicy): FiringKind | null {
  const failing = FAILING_STATUS[o.status];
  if (failing) return failing;
  if (o.status !== 'ok' && o.status !== 'expiring') return null;
  if (o.expiresAt === undefined || !Number.isFinite(o.expiresAt)) return null;
  if (o.refreshable === true) return null;
  // Older observations without `refreshable`: an OAuth token that refreshes itself says so.
  if (o.refreshable === undefined && o.type === 'oauth' && o.status === 'ok' && /refresh/i.test(o.detail)) return null;
  const largest = Math.max(0, ...policy.thresholdsMs.map((t) => t.ms));
  return o.expiresAt - now <= largest || o.status === 'expiring' ? 'expiring' : null;
}

/** Auth failures are `rejected` (status track); every other failed probe counts toward probe_failing. */
export function probeCounts(reason: string): boolean {
  return reason !== 'auth' && reason !== 'auth_permanent';
}

/** Reader reasons that mean a store could not be read at all (the finer `version`, `permission`, `io` too). */
const BLIND_REASONS: ReadonlySet<string> = new Set([
  'unreadable',
  'parse',
  'schema',
  'encoding',
  'too_large',
  'version',
  'permission',
  'io',
]);

/** A store we could not read says nothing about its profiles: keep their episodes as they are. */
export function isBlindStore(o: Observation): o is StoreObservation {
  return o.kind === 'store' && !o.ok && BLIND_REASONS.has(o.reason);
}

/** The pseudo profile id of an agent's store episode (Alertmanager label `profile`). */
export const STORE_PROFILE = 'auth-store';

/**
 * The unreadable store as the subject of an episode. Reason and path only: a parser's message
 * may quote the file, and the file holds secrets.
 */
export function storeSubject(o: StoreObservation): CredentialObservation {
  return {
    kind: 'credential',
    agent: o.agent,
    provider: 'aipro',
    profile: STORE_PROFILE,
    type: 'none',
    source: 'profile',
    status: 'invalid',
    detail:
      `cannot read the auth store ${o.path} (${o.reason}); none of agent ${o.agent}'s credentials can be checked ` +
      `until it reads again`,
    hint: 'aipro doctor',
  };
}

/**
 * The catalogue's severity of a notification. Fixed per alert name, so Alertmanager label sets
 * stay stable: `expiring` is the warning entry until less than the critical band is left, then
 * the critical one (a different alert name, as in the Prometheus rules).
 */
export function severityOf(kind: AlertKind, remainingMs?: number, criticalMs?: number): Severity {
  if (kind === 'resolved' || kind === 'test') return 'info';
  return pushedDef(kind, remainingMs, criticalMs).severity;
}

/** `alerts.criticalWithin` in ms (default 1 day). */
export function criticalMsOf(config: Pick<AiproConfig, 'alerts'>): number {
  return parseDuration(config.alerts.criticalWithin ?? '') ?? DEFAULT_CRITICAL_S * 1000;
}

/** The engine policy from `alerts.*` (config validation already checked the durations). */
export function policyFrom(config: AiproConfig, host: string): AlertPolicy {
  const thresholdsMs = config.alerts.thresholds
    .map((label) => ({ label, ms: parseDuration(label) ?? 0 }))
    .filter((t) => t.ms > 0)
    .sort((a, b) => b.ms - a.ms);
  return {
    thresholdsMs,
    repeatMs: parseDuration(config.alerts.repeat) ?? 86_400_000,
    criticalMs: criticalMsOf(config),
    probeFailingCycles: config.alerts.probeFailingCycles,
    host,
  };
}

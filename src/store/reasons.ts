/**
 * The bounded vocabulary of an upstream's answer, as recorded per profile (usageStats
 * failureCounts, lastProbe.reason) and used in metrics and alerts, and what each reason
 * means for the credential. The HTTP mapping to these reasons is src/http/classify.ts.
 */

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
export const REASON_EFFECTS: Readonly<
  Record<ProbeReason, { failover: boolean; cooldown: boolean; refreshable: boolean }>
> = {
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

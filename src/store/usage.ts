/**
 * Failure bookkeeping per auth profile: cooldowns after errors, billing disables, and
 * counts per reason. The core is pure (`recordFailure`, `recordSuccess` take `now`);
 * `markProfileOutcome` applies one outcome to the store under its lock.
 *
 * Schedule: consecutive errors cool a profile down for
 * 30 s, then 1 m, then 5 m (and 5 m from there on). Billing failures disable it for
 * 5 h × 2^(n−1), capped at 24 h, where n counts billing failures since the last success.
 */
import { coolsDown, type ProbeReason } from './reasons.js';
import type { QuotaRecord, UsageStats } from './schema.js';
import { updateStore } from './write.js';

export const COOLDOWN_SCHEDULE_MS = [30_000, 60_000, 300_000] as const;
export const BILLING_BASE_MS = 5 * 3_600_000;
export const BILLING_CAP_MS = 24 * 3_600_000;

/** Cooldown after the n-th consecutive error (n ≥ 1). */
export function cooldownMs(errorCount: number): number {
  const i = Math.min(Math.max(errorCount, 1), COOLDOWN_SCHEDULE_MS.length) - 1;
  return COOLDOWN_SCHEDULE_MS[i] as number;
}

/** Billing disable after the n-th billing failure (n ≥ 1): 5 h, 10 h, 20 h, 24 h, 24 h… */
export function billingDisableMs(n: number): number {
  return Math.min(BILLING_BASE_MS * 2 ** (Math.max(n, 1) - 1), BILLING_CAP_MS);
}

/** Stats after one failure with `reason` at `now`. Pure; unknown fields are kept. */
export function recordFailure(stats: UsageStats | undefined, reason: ProbeReason, now: number): UsageStats {
  const next: UsageStats = { ...(stats ?? {}) };
  const counts = { ...(stats?.failureCounts ?? {}) };
  counts[reason] = (counts[reason] ?? 0) + 1;
  next.failureCounts = counts;
  next.lastFailureAt = now;
  next.lastFailureReason = reason;
  // Reasons that say nothing about the credential are counted but cool nothing down.
  if (!coolsDown(reason)) return next;

  const errorCount = (stats?.errorCount ?? 0) + 1;
  next.errorCount = errorCount;
  if (reason === 'billing') {
    const n = ((stats?.billingErrorCount as number | undefined) ?? 0) + 1;
    next.billingErrorCount = n;
    next.disabledUntil = Math.max(stats?.disabledUntil ?? 0, now + billingDisableMs(n));
    next.disabledReason = 'billing';
    return next;
  }
  next.cooldownUntil = Math.max(stats?.cooldownUntil ?? 0, now + cooldownMs(errorCount));
  return next;
}

/** Stats after a success at `now`: errors and cooldowns reset, lastUsed set. Pure. */
export function recordSuccess(stats: UsageStats | undefined, now: number): UsageStats {
  const next: UsageStats = { ...(stats ?? {}), lastUsed: now, errorCount: 0, cooldownUntil: 0 };
  if (next.disabledUntil !== undefined) next.disabledUntil = 0;
  delete next.disabledReason;
  delete next.billingErrorCount;
  return next;
}

/** Stats with a newer quota observation (an older one than stored is ignored: writes may land out of order). Pure. */
export function withQuota(stats: UsageStats | undefined, quota: QuotaRecord): UsageStats {
  if (stats?.quota && stats.quota.at > quota.at) return { ...stats };
  return { ...(stats ?? {}), quota };
}

export type ProfileOutcome = { ok: true } | { ok: false; reason: ProbeReason };

/**
 * Record one request outcome in the store (lock, re-read, atomic write), with the quota the
 * answer's headers showed when given (same write). On success the profile also becomes
 * `lastGood` for its provider. Returns the new stats.
 */
export async function markProfileOutcome(
  storePath: string,
  profileId: string,
  outcome: ProfileOutcome,
  now: number,
  quota?: QuotaRecord,
): Promise<UsageStats> {
  return updateStore(storePath, (store) => {
    const usage = { ...(store.usageStats ?? {}) };
    const base = quota ? withQuota(usage[profileId], quota) : usage[profileId];
    const stats = outcome.ok ? recordSuccess(base, now) : recordFailure(base, outcome.reason, now);
    usage[profileId] = stats;
    store.usageStats = usage;
    if (outcome.ok) {
      const provider = store.profiles[profileId]?.provider ?? profileId.slice(0, Math.max(profileId.indexOf(':'), 0));
      if (provider) store.lastGood = { ...(store.lastGood ?? {}), [provider]: profileId };
    }
    return { store, result: stats };
  });
}

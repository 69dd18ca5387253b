/**
 * Quota and clock-skew series: per profile, one utilization and one reset series per current
 * window, the time of the observation; per provider, the clock skew of its latest probe.
 * Windows whose reset passed are left out: their number describes a window that started over.
 */
import type { QuotaRecord } from '../../src/store/schema.js';
import { currentWindows, labelledWindows, latestClockSkews } from '../../src/store/quota.js';
import { formatValue } from './family.js';
import { type ProfileRecord, SLOT, WINDOW } from './profile-table.js';

/** Set (or clear) the quota series of one profile's record from its latest observation. */
export function setQuota(rec: ProfileRecord, q: QuotaRecord | undefined, now: number): void {
  if (!q) {
    rec.clearQuota();
    return;
  }
  const windows = currentWindows({ ...q, windows: labelledWindows(q.windows) }, now);
  rec.setWindows(
    WINDOW.utilization,
    windows.map((w) => ({ window: w.window, value: Math.round(w.utilization * 100) / 10_000 })),
  );
  rec.setWindows(
    WINDOW.reset,
    windows
      .filter((w) => w.resetsAt !== undefined)
      .map((w) => ({ window: w.window, value: Math.floor((w.resetsAt as number) / 1000) })),
  );
  rec.put(SLOT.quotaObserved, formatValue(q.at / 1000));
}

/** The latest clock skew per provider among a batch of probes, in seconds (the one rule: `latestClockSkews`). */
export function latestSkews(
  probes: Iterable<{ provider: string; at: number; clockSkewMs?: number }>,
): Map<string, { at: number; seconds: number }> {
  return new Map(
    [...latestClockSkews(probes)].map(([provider, s]) => [provider, { at: s.at, seconds: Math.round(s.ms) / 1000 }]),
  );
}

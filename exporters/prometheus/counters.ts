/**
 * Counters whose label values exist at 0 from the start, so `increase()` sees the first event:
 * probe errors per provider and reason, OAuth refreshes per provider and result, alert
 * notifications per channel and result.
 */
import { PROBE_REASONS } from '../../src/providers/types.js';
import { NOTIFICATION_RESULTS, REFRESH_RESULTS } from './metrics.js';
import type { AiproMetrics } from './registry.js';

/**
 * Every label value of the probe and refresh counters of `provider` exists from its first
 * credential on, at 0, so `increase()` sees the first failure. Refresh results only for OAuth.
 */
export function initProviderCounters(m: AiproMetrics, provider: string, oauth: boolean): void {
  const seen = m.countersFor.get(provider);
  if (seen === 'oauth' || (seen === 'plain' && !oauth)) return;
  if (!seen) for (const reason of PROBE_REASONS) if (reason !== 'ok') m.probeErrors.inc({ provider, reason }, 0);
  if (oauth) for (const result of REFRESH_RESULTS) m.refreshTotal.inc({ provider, result }, 0);
  m.countersFor.set(provider, oauth ? 'oauth' : 'plain');
}

/** `aipro_alert_notifications_total` at 0 for every result of every configured channel. */
export function initAlertCounters(m: AiproMetrics, channels: readonly string[]): void {
  for (const channel of channels)
    for (const result of NOTIFICATION_RESULTS) m.alertNotifications.inc({ channel, result }, 0);
}

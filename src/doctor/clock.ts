/**
 * Is this host's clock right? Every live probe stores the provider's `Date` header as a skew
 * (`lastProbe.clockSkewMs`); the latest per provider is compared with the limit. Expiry and
 * alert times are judged by the local clock, so a wrong clock moves every one of them.
 */
import { CLOCK_SKEW_WARN_MS, latestClockSkews } from '../store/quota.js';
import type { StoreRead } from '../store/read.js';
import { ago, skewText } from '../util/skew-text.js';
import type { Finding } from './context.js';

/**
 * One finding per provider with a stored skew (warn beyond a minute); none without probes.
 * `reads` are the agents' stores as the configured backend holds them: in a fleet the skew
 * was measured by whichever host probed last.
 */
export function clockChecks(now: number, reads: StoreRead[], fleet = false): Finding[] {
  // In a fleet any host may have run the probe; the skew is that host's, not necessarily ours.
  const host = fleet ? 'the host that probed' : 'this host';
  const probes: { provider: string; at: number; clockSkewMs?: number }[] = [];
  for (const read of reads) {
    if (!read.ok) continue;
    for (const [id, stats] of Object.entries(read.store.usageStats ?? {})) {
      const p = stats.lastProbe;
      if (!p || p.clockSkewMs === undefined) continue;
      probes.push({
        provider: read.store.profiles[id]?.provider ?? id.split(':')[0] ?? id,
        at: p.at,
        clockSkewMs: p.clockSkewMs,
      });
    }
  }
  return [...latestClockSkews(probes)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, s]): Finding => {
      const off = `${skewText(s.ms)} ${host}`;
      const when = `Date header of the probe ${ago(s.at, now)}`;
      if (Math.abs(s.ms) <= CLOCK_SKEW_WARN_MS)
        return {
          id: 'clock.skew',
          level: 'ok',
          summary: `${provider}'s clock is within a minute of ${host}'s (${when})`,
        };
      return {
        id: 'clock.skew',
        level: 'warn',
        summary:
          `${provider}'s clock is ${off} (${when}): expiry times and alerts are judged by the local clock and are ` +
          `off by as much`,
        fix:
          `sync the ${fleet ? 'clock of every fleet host' : 'host clock'}: \`timedatectl status\` ` +
          '(enable NTP: `timedatectl set-ntp true`, or chrony), then `aipro models status --probe`',
      };
    });
}

/**
 * Is this host's clock right? Every live probe stores the provider's `Date` header as a skew
 * (`lastProbe.clockSkewMs`); the latest per provider is compared with the limit. Expiry and
 * alert times are judged by the local clock, so a wrong clock moves every one of them.
 */
import { readStore } from '../store/read.js';
import { CLOCK_SKEW_WARN_MS, latestClockSkews } from '../store/quota.js';
import { ago, skewText } from '../util/skew-text.js';
import type { Finding } from './context.js';
import type { DoctorAgent } from './stores.js';

/** One finding per provider with a stored skew (warn beyond a minute); none without probes. */
export function clockChecks(now: number, agents: DoctorAgent[]): Finding[] {
  const probes: { provider: string; at: number; clockSkewMs?: number }[] = [];
  for (const a of agents) {
    const read = readStore(a.storePath);
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
      const off = `${skewText(s.ms)} this host`;
      const when = `Date header of the probe ${ago(s.at, now)}`;
      if (Math.abs(s.ms) <= CLOCK_SKEW_WARN_MS)
        return {
          id: 'clock.skew',
          level: 'ok',
          summary: `${provider}'s clock is within a minute of this host's (${when})`,
        };
      return {
        id: 'clock.skew',
        level: 'warn',
        summary:
          `${provider}'s clock is ${off} (${when}): expiry times and alerts are judged by the local clock and are ` +
          `off by as much`,
        fix:
          'sync the host clock: `timedatectl status` (enable NTP: `timedatectl set-ntp true`, or chrony), then ' +
          '`aipro models status --probe`',
      };
    });
}

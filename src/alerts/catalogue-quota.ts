/**
 * The quota and clock-skew entries of the alert catalogue (`catalogue.ts`), from the rate-limit
 * and Date headers of probes and gateway answers. A window whose reset time has passed has
 * started over, so its last number is stale and never alerts; a spent window pages only while
 * its reset lies ahead. Rule-only alerts: the monitor pushes no quota alerts.
 */
import type { AlertDef } from './catalogue.js';

export const QUOTA_ALERTS: readonly AlertDef[] = [
  {
    name: 'AiproQuotaHigh',
    severity: 'warning',
    group: 'aipro-quota',
    for: '5m',
    expr: (c) => {
      const key = 'on (job, instance, agent, provider, profile, window)';
      const ratio = c.m('aipro_quota_utilization_ratio');
      const reset = c.m('aipro_quota_reset_timestamp_seconds');
      return (
        `  (\n    ${ratio} >= 0.8\n    unless ${key}\n      (${reset} <= time())\n  )\n  unless ${key}\n    ` +
        `(${ratio} >= 1 and ${key} (${reset} > time()))`
      );
    },
    join: 'host',
    summary: 'aipro credential {profile} (agent {agent}) has used {percent} of its {window} quota',
    description:
      'The {window} quota window of {profile} (agent {agent}, {provider}) on {host} is {percent} used. Requests ' +
      'will be refused when it is spent; the gateway then skips the credential until the window resets. Check the ' +
      'headroom of every credential with `aipro models status` (QUOTA column), and add or order another credential ' +
      '(`aipro models auth order set --provider {provider} …`) before it runs out.',
  },
  {
    name: 'AiproQuotaExhausted',
    severity: 'critical',
    group: 'aipro-quota',
    for: '1m',
    expr: (c) =>
      `  ${c.m('aipro_quota_reset_timestamp_seconds')} > time()\nand on (job, instance, agent, provider, profile, ` +
      `window)\n  ${c.m('aipro_quota_utilization_ratio')} >= 1`,
    join: 'host',
    summary: 'aipro credential {profile} (agent {agent}) is unusable until {until}: {window} quota spent',
    description:
      'The provider refuses {profile} (agent {agent}, {provider}) on {host}: its {window} quota window is spent ' +
      '(or the provider answered rate-limit status rejected) until {until}, the reset time the provider named. The ' +
      'gateway skips it until then. Run `aipro models status` to see which credentials still have headroom; add ' +
      'one with `aipro models auth add-key --provider {provider}` if none does.',
  },
  {
    name: 'AiproClockSkew',
    severity: 'warning',
    group: 'aipro-quota',
    for: '10m',
    expr: (c) => `abs(${c.m('aipro_clock_skew_seconds')}) > 60`,
    join: 'host',
    summary: "The clock of {host} is {left} off from {provider}'s",
    description:
      "The Date header of {provider}'s last probe answer differs from the clock of {host} by more than a minute " +
      '(`aipro_clock_skew_seconds` is provider minus local). Expiry times and alerts are judged by the local ' +
      'clock, so they are early or late by that much. Sync the host clock (`timedatectl status`, chrony or ' +
      'systemd-timesyncd) and check with `aipro doctor`.',
  },
];

/**
 * The one alert catalogue: every alert aipro raises, pushed by the monitor (mail, webhooks,
 * Alertmanager) or evaluated by Prometheus from the shipped rules, under ONE name, severity,
 * summary, description, runbook anchor and fix. `exporters/prometheus/rules.ts` generates the
 * rule files from it; `payloads.ts` labels and annotates pushed alerts from it. Adding an
 * alert is one entry here. Pure data and string templates; no I/O, nothing heavy imported.
 *
 * Templates use placeholders filled per renderer: `{profile}`, `{agent}`, `{provider}`,
 * `{host}`, `{type}`, `{monitor}`, `{window}` (labels), `{percent}` and `{until}` (the value as a
 * percentage or a timestamp), `{left}` (time left), `{critical}` (the critical
 * band, e.g. `1d`) and `{fix}` (the fix command for the credential's type and source).
 * A template of an alert without `kind` (rule only) may also hold raw Go template text.
 */
import type { FiringKind } from './types.js';
import { QUOTA_ALERTS } from './catalogue-quota.js';

/** Where the runbooks live: one anchor per alert, its name in lower case. */
export const RUNBOOK_BASE = 'https://github.com/aipro/aipro/blob/main/docs/runbooks.md';

/** `origin` label: who raised the alert (the Alertmanager inhibit rule matches on it). */
export const ORIGIN = { push: 'push', rule: 'rule' } as const;

/** Default expiry bands (`aipro rules print --warn/--critical`, and the pushed severity ladder). */
export const DEFAULT_WARN_S = 7 * 86_400;
export const DEFAULT_CRITICAL_S = 86_400;

/** Which fix command an alert names (rendered per credential type and source). */
export type FixKey =
  | 'renew'
  | 'renew-expired'
  | 'replace-rejected'
  | 'login'
  | 'add-missing'
  | 'replace-invalid'
  | 'store-expiry'
  | 'doctor';

/** How the generated rule adds labels: a credential's `type`/`source` and the host, or the host only. */
export type RuleJoin = 'profile' | 'host' | 'none';

/** What the rule expression may ask of the generator. */
export interface RuleContext {
  /** `name{<selector>,<matchers>}`: a metric with the configured source selector. */
  m(name: string, matchers?: string): string;
  /** The warning band's start and the critical band's start, in seconds, as PromQL. */
  warn: string;
  critical: string;
  /** Scrape job of the daemon (`up{job=…}`). */
  job: string;
}

export interface AlertDef {
  name: string;
  severity: 'warning' | 'critical';
  /** The pushed kind raised under this name (absent: only a Prometheus rule raises it). */
  kind?: FiringKind;
  group: 'aipro-credentials' | 'aipro-monitor' | 'aipro-quota';
  /** Rule `for:`. */
  for: string;
  /** Rule expression (before the joins of `join`). */
  expr(c: RuleContext): string;
  join: RuleJoin;
  /** Static labels of the rule besides severity and origin. */
  labels?: Record<string, string>;
  summary: string;
  description: string;
  fix?: FixKey;
}

const status = (s: string) => (c: RuleContext) => `${c.m('aipro_auth_profile_status', `status="${s}"`)} == 1`;
const left = (c: RuleContext) => `(${c.m('aipro_auth_profile_expiry_timestamp_seconds')} - time())`;

/** Every alert, in the order of the rule file. */
export const CATALOGUE: readonly AlertDef[] = [
  {
    name: 'AiproCredentialExpiringSoon',
    severity: 'warning',
    kind: 'expiring',
    group: 'aipro-credentials',
    for: '15m',
    expr: (c) => `    ${left(c)} < ${c.warn}\n  and\n    ${left(c)} >= ${c.critical}`,
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) expires in {left}',
    description: 'The {type} credential {profile} of agent {agent} on {host} expires in {left}. Fix: {fix}',
    fix: 'renew',
  },
  {
    name: 'AiproCredentialExpiringCritical',
    severity: 'critical',
    kind: 'expiring',
    group: 'aipro-credentials',
    for: '5m',
    expr: (c) => `    ${left(c)} < ${c.critical}\n  and\n    ${left(c)} > 0`,
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) expires in {left}',
    description:
      'The {type} credential {profile} of agent {agent} on {host} expires in less than {critical} ({left}). Fix: {fix}',
    fix: 'renew',
  },
  {
    name: 'AiproCredentialExpired',
    severity: 'critical',
    kind: 'expired',
    group: 'aipro-credentials',
    for: '1m',
    expr: status('expired'),
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) has expired',
    description:
      'The {type} credential {profile} of agent {agent} on {host} has expired; requests using it fail. Fix: {fix}',
    fix: 'renew-expired',
  },
  {
    name: 'AiproCredentialRejected',
    severity: 'critical',
    kind: 'rejected',
    group: 'aipro-credentials',
    for: '5m',
    expr: status('rejected'),
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) is rejected by {provider}',
    description:
      'The last live probe of the {type} credential {profile} of agent {agent} on {host} got an authentication ' +
      'failure (401/403). Check it with `aipro models status --probe --agent {agent} --provider {provider}`, then ' +
      'replace it: {fix}',
    fix: 'replace-rejected',
  },
  {
    name: 'AiproOAuthRefreshFailing',
    severity: 'critical',
    kind: 'refresh_failed',
    group: 'aipro-credentials',
    for: '5m',
    expr: status('refresh_failed'),
    join: 'profile',
    summary: 'aipro cannot refresh OAuth credential {profile} (agent {agent})',
    description:
      'The provider refused the refresh token of {profile} (agent {agent}) on {host} (invalid_grant, reused or ' +
      'revoked); the access token will not be renewed. Fix: {fix}',
    fix: 'login',
  },
  {
    name: 'AiproCredentialMissing',
    severity: 'critical',
    kind: 'missing',
    group: 'aipro-credentials',
    for: '5m',
    expr: status('missing'),
    join: 'profile',
    summary: 'aipro agent {agent} has no credential for {provider}',
    description:
      'Agent {agent} on {host} uses {provider} (config or order) but holds no credential for it ({profile}); ' +
      'requests for it fail. Fix: {fix}',
    fix: 'add-missing',
  },
  {
    name: 'AiproCredentialInvalid',
    severity: 'critical',
    kind: 'invalid',
    group: 'aipro-credentials',
    for: '5m',
    expr: status('invalid'),
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) is invalid',
    description:
      'The {type} credential {profile} of agent {agent} on {host} cannot be used as stored (malformed profile, ' +
      'impossible expiry or an unreadable secret reference). See why with `aipro models status --agent {agent}`, ' +
      'then replace it: {fix}',
    fix: 'replace-invalid',
  },
  {
    name: 'AiproCredentialExpiryUnknown',
    severity: 'warning',
    group: 'aipro-credentials',
    for: '15m',
    expr: (c) =>
      `    (${c.m('aipro_auth_profile_expiry_known')} == 0)\n  unless on (job, instance, agent, provider, ` +
      `profile)\n    (${c.m('aipro_auth_profile_status', 'status="invalid"')} == 1)`,
    join: 'profile',
    summary: 'aipro credential {profile} (agent {agent}) has no known expiry',
    description:
      'The {type} credential {profile} of agent {agent} on {host} was stored without an expiry, so no expiry alert ' +
      'can ever warn before it stops working. Store it again with its lifetime: {fix}',
    fix: 'store-expiry',
  },
  {
    name: 'AiproProbesFailing',
    severity: 'warning',
    kind: 'probe_failing',
    group: 'aipro-credentials',
    for: '1h',
    expr: (c) => `${c.m('aipro_auth_profile_probe_success')} == 0`,
    join: 'profile',
    summary: 'aipro live probes of {profile} (agent {agent}) get no answer from {provider}',
    description:
      'The live probes of {profile} (agent {agent}) on {host} time out or fail to connect, so its validity is ' +
      'unknown. Check the network and the base URL with `aipro models status --probe --agent {agent} --provider ' +
      '{provider}` and `aipro config get models.providers.{provider}.baseUrl`.',
  },
  {
    name: 'AiproCredentialStoreUnreadable',
    severity: 'critical',
    kind: 'store_unreadable',
    group: 'aipro-monitor',
    for: '5m',
    expr: (c) => `${c.m('aipro_auth_store_ok')} == 0`,
    join: 'host',
    // The pushed alert names the store by this pseudo profile, so the inhibit rule pairs them.
    labels: { profile: 'auth-store' },
    summary: 'aipro cannot read the auth store of agent {agent} on {host}',
    description:
      'The auth store of agent {agent} on {host} cannot be read (not JSON, unsupported version, unreadable file; ' +
      '`aipro_auth_store_read_errors_total` has the reason). Its credentials are unknown: their series show the ' +
      'last good read, and no credential alert of that agent can start or resolve. Fix: {fix}',
    fix: 'doctor',
  },
  {
    name: 'AiproMonitorStale',
    severity: 'warning',
    group: 'aipro-monitor',
    for: '10m',
    expr: (c) =>
      `  (time() - ${c.m('aipro_monitor_last_success_timestamp_seconds', 'monitor!="validity"')} > 3600)\nor\n  ` +
      `(time() - ${c.m('aipro_monitor_last_success_timestamp_seconds', 'monitor="validity"')} > 3 * 3600)\nor\n  ` +
      `(${c.m('aipro_monitor_last_run_timestamp_seconds')} unless ` +
      `${c.m('aipro_monitor_last_success_timestamp_seconds')})`,
    join: 'host',
    summary: 'aipro monitor {monitor} on {host} has not succeeded recently',
    description:
      'The {monitor} monitor of aipro on {host} has not finished a run successfully for too long (1h; 3h for ' +
      "validity), or never has, so credential metrics are stale. Look at the monitor's log (`journalctl --user -u " +
      'aipro-monitor` or `journalctl -u aipro-auth-check`) and run `aipro monitor --once` to see the error.',
  },
  {
    name: 'AiproMonitorAbsent',
    severity: 'critical',
    group: 'aipro-monitor',
    for: '10m',
    expr: (c) => `up{job="${c.job}"} == 0\nor\nabsent(${c.m('aipro_build_info')})`,
    join: 'none',
    summary: 'aipro monitor is down or not scraped{{ with $labels.instance }} ({{ . }}){{ end }}',
    description:
      'Prometheus gets no aipro metrics{{ with $labels.instance }} from {{ . }}{{ end }}: the daemon is not ' +
      'running, not reachable, or the textfile is not collected. Credentials are unwatched. Check `systemctl ' +
      '--user status aipro-monitor` (or `aipro systemd install`), `curl -s http://127.0.0.1:18790/healthz` and the ' +
      'scrape config (job name "{job}").',
  },
  ...QUOTA_ALERTS,
];

/** `7d`, `1d`, `12h`, `90m`, `45s`: the largest whole unit (rule texts and pushed texts alike). */
export function humanSeconds(s: number): string {
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** The runbook URL of an alert: its own anchor, so a link can never land on another alert's entry. */
export function runbookUrl(def: Pick<AlertDef, 'name'>): string {
  return `${RUNBOOK_BASE}#${def.name.toLowerCase()}`;
}

/** The entry named `name`. */
export function alertDef(name: string): AlertDef {
  const d = CATALOGUE.find((x) => x.name === name);
  if (!d) throw new Error(`no alert ${name} in the catalogue`);
  return d;
}

/**
 * The entry of a pushed alert. `expiring` splits like the rules: critical once less than
 * `criticalMs` is left, else the warning entry.
 */
export function pushedDef(
  kind: FiringKind,
  remainingMs: number | undefined,
  criticalMs = DEFAULT_CRITICAL_S * 1000,
): AlertDef {
  if (kind === 'expiring')
    return alertDef(
      remainingMs !== undefined && remainingMs < criticalMs
        ? 'AiproCredentialExpiringCritical'
        : 'AiproCredentialExpiringSoon',
    );
  const d = CATALOGUE.find((x) => x.kind === kind);
  if (!d) throw new Error(`no pushed alert for kind ${kind}`);
  return d;
}

/** Fill `{placeholder}`s from `values` (unknown placeholders stay as they are). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? (values[k] as string) : m));
}

/**
 * Which metrics exist: every name, type, label set and help text aipro exports, as data.
 * The registry (`registry.ts`) builds them; docs, rules and the dashboard are checked
 * against this table by the tests, so a rename cannot silently break an alert.
 */

/** Labels that identify one credential. Never a secret: ids, provider names, agent ids only. */
export const PROFILE_LABELS = ['agent', 'provider', 'profile'] as const;

export type MetricType = 'gauge' | 'counter';

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
  labelNames: readonly string[];
}

const def = (name: string, type: MetricType, labelNames: readonly string[], help: string): MetricDef => ({
  name,
  type,
  help,
  labelNames,
});

/**
 * Every metric aipro exports, each declared once here (README "Metrics" documents them), including the monitor error
 * counter.
 */
export const METRICS = {
  profileInfo: def(
    'aipro_auth_profile_info',
    'gauge',
    [...PROFILE_LABELS, 'type', 'source'],
    'Auth profile known to aipro (always 1); its credential type and source as labels.',
  ),
  profileExpiry: def(
    'aipro_auth_profile_expiry_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'When the credential expires, in Unix seconds. Absent when the expiry is unknown (API keys, tokens without ' +
      'expiry, OAuth that refreshes itself).',
  ),
  profileStatus: def(
    'aipro_auth_profile_status',
    'gauge',
    [...PROFILE_LABELS, 'status'],
    'Credential status as a state set: 1 for the current status, 0 for every other status (ok, expiring, expired, ' +
      'static, invalid, refresh_failed, rejected, missing).',
  ),
  profileExpiryKnown: def(
    'aipro_auth_profile_expiry_known',
    'gauge',
    PROFILE_LABELS,
    'Whether aipro knows when the credential ends (1) or not (0: a token or OAuth without a refresh token that has ' +
      'no expiry, so it can never alert before it stops working). API keys and OAuth that refreshes itself are 1: ' +
      'they have no countdown to miss.',
  ),
  probeSuccess: def(
    'aipro_auth_profile_probe_success',
    'gauge',
    PROFILE_LABELS,
    'Whether the last live probe got an answer from the provider (1), or none (0: timeout, network, overloaded, ' +
      'unknown).',
  ),
  probeValid: def(
    'aipro_auth_profile_probe_valid',
    'gauge',
    PROFILE_LABELS,
    'Whether the provider accepted the credential in the last live probe (1) or refused it (0: auth, billing). ' +
      'Absent when the probe got no answer.',
  ),
  lastProbe: def(
    'aipro_auth_profile_last_probe_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'When the last live probe of the credential ran, in Unix seconds: the age of the probe gauges. Absent until ' +
      'the first probe.',
  ),
  probeHttpStatus: def(
    'aipro_auth_profile_probe_http_status',
    'gauge',
    PROFILE_LABELS,
    'HTTP status of the last live probe (200, 401, 429, …); 0 when it got no HTTP answer (timeout, network). ' +
      'Absent until the first probe.',
  ),
  refreshExpiry: def(
    'aipro_auth_profile_refresh_expiry_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'OAuth: when the refresh token ends, in Unix seconds, when the provider stated it (refresh_token_expires_in). ' +
      'Absent otherwise.',
  ),
  nextRefresh: def(
    'aipro_oauth_next_refresh_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'OAuth that refreshes itself: when the next refresh is due (access token expiry minus auth.refreshSkewMs), in ' +
      'Unix seconds. In the past for long: refreshes stopped happening.',
  ),
  probeDuration: def(
    'aipro_auth_profile_probe_duration_seconds',
    'gauge',
    PROFILE_LABELS,
    'Duration of the last live probe in seconds.',
  ),
  cooldownUntil: def(
    'aipro_auth_profile_cooldown_until_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'End of the current failure cooldown of the profile, in Unix seconds. Absent when it is not cooling down.',
  ),
  // Quota headroom and clock skew: set by quota-metrics.ts from the stored probe and gateway observations.
  quotaUtilization: def(
    'aipro_quota_utilization_ratio',
    'gauge',
    [...PROFILE_LABELS, 'window'],
    'Share of the quota window used (0-1) at the last observation (probe or gateway answer). window: 5h, 7d, ' +
      '7d_opus, 7d_sonnet, requests, tokens, input_tokens, output_tokens, or a Codex window by its length. A window ' +
      'the provider refuses requests for is 1. Absent once the window has reset.',
  ),
  quotaReset: def(
    'aipro_quota_reset_timestamp_seconds',
    'gauge',
    [...PROFILE_LABELS, 'window'],
    'When the quota window resets, in Unix seconds, as the provider said. Absent when unknown or passed.',
  ),
  quotaObserved: def(
    'aipro_quota_observed_timestamp_seconds',
    'gauge',
    PROFILE_LABELS,
    'When the quota of the profile was last observed (a probe or a gateway answer), in Unix seconds.',
  ),
  clockSkew: def(
    'aipro_clock_skew_seconds',
    'gauge',
    ['provider'],
    "Provider clock minus this host's clock in seconds, from the Date header of the latest probe of the provider " +
      '(good to about a second).',
  ),
  probeErrors: def(
    'aipro_auth_probe_errors_total',
    'counter',
    ['provider', 'reason'],
    'Live probes that failed, by provider and bounded reason.',
  ),
  refreshTotal: def(
    'aipro_oauth_refresh_total',
    'counter',
    ['provider', 'result'],
    'OAuth refresh attempts by provider and result (ok, failed, error, skipped).',
  ),
  alertNotifications: def(
    'aipro_alert_notifications_total',
    'counter',
    ['channel', 'result'],
    'Alert notification delivery attempts by channel and result (delivered, retry, permanent, dropped).',
  ),
  alertOutboxPending: def(
    'aipro_alert_outbox_pending',
    'gauge',
    ['channel'],
    'Notifications waiting in the outbox for (re)delivery, by channel.',
  ),
  alertStateOk: def(
    'aipro_alert_state_ok',
    'gauge',
    [],
    'Whether the alert state file (monitor/state.json) parses (1); 0 while alerts run from a fresh state beside ' +
      'the damaged file.',
  ),
  monitorLastRun: def(
    'aipro_monitor_last_run_timestamp_seconds',
    'gauge',
    ['monitor'],
    'When the monitor last started a run, in Unix seconds.',
  ),
  monitorLastSuccess: def(
    'aipro_monitor_last_success_timestamp_seconds',
    'gauge',
    ['monitor'],
    'When the monitor last finished a run without error, in Unix seconds. Absent until its first success.',
  ),
  monitorRunDuration: def(
    'aipro_monitor_run_duration_seconds',
    'gauge',
    ['monitor'],
    'Duration of the last run of the monitor in seconds.',
  ),
  monitorErrors: def(
    'aipro_monitor_errors_total',
    'counter',
    ['monitor', 'reason'],
    'Monitor runs that failed or were skipped, by bounded reason (exception, timeout, overlap, store_unreadable).',
  ),
  storeOk: def(
    'aipro_auth_store_ok',
    'gauge',
    ['agent'],
    "Whether the last read of the agent's auth store succeeded (1) or failed (0: its credentials are unknown; the " +
      'profile series keep their last good values).',
  ),
  storeReadErrors: def(
    'aipro_auth_store_read_errors_total',
    'counter',
    ['agent', 'reason'],
    "Failed reads of the agent's auth store, by bounded reason (parse, schema, version, permission, too_large, io).",
  ),
  storeLastReadSuccess: def(
    'aipro_auth_store_last_read_success_timestamp_seconds',
    'gauge',
    ['agent'],
    "When the agent's auth store was last read successfully, in Unix seconds: the age of the profile series of " +
      'that agent.',
  ),
  heartbeatTotal: def(
    'aipro_heartbeat_total',
    'counter',
    ['result'],
    "Dead-man's switch pings by result: ok (monitor.heartbeat.url answered 2xx), fail_sent (a failed run reported " +
      'to monitor.heartbeat.failUrl), error (no 2xx within the timeout, one retry included).',
  ),
  fleetLeader: def(
    'aipro_fleet_leader',
    'gauge',
    ['host'],
    'Fleet store only: 1 when this host holds the fleet lock and runs the refresh, validity and alert monitors ' +
      'for the fleet, 0 when another host does; `host` is AIPRO_HOST_ID, else the system host name.',
  ),
  buildInfo: def(
    'aipro_build_info',
    'gauge',
    ['version', 'node', 'host'],
    'aipro build information (always 1); `host` is the host name alerts carry (alerts.hostname, else the system ' +
      'host name), joined into the alert rules.',
  ),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** Results of `aipro_heartbeat_total` (all three start at 0 when a heartbeat is configured). */
export const HEARTBEAT_RESULTS = ['ok', 'fail_sent', 'error'] as const;
export type HeartbeatResult = (typeof HEARTBEAT_RESULTS)[number];

/** Bounded reasons of `aipro_monitor_errors_total`: the runner's failure reasons. */
export { MONITOR_ERROR_REASONS, type MonitorErrorReason } from '../../monitors/runner.js';

/** Results of `aipro_oauth_refresh_total` (the refresh monitor's vocabulary). */
export const REFRESH_RESULTS = ['ok', 'failed', 'error', 'skipped'] as const;

/** Results of `aipro_alert_notifications_total`. */
export const NOTIFICATION_RESULTS = ['delivered', 'retry', 'permanent', 'dropped'] as const;

/** Bounded reasons of `aipro_auth_store_read_errors_total`. */
export const STORE_READ_ERROR_REASONS = ['parse', 'schema', 'version', 'permission', 'too_large', 'io'] as const;
export type StoreReadErrorReason = (typeof STORE_READ_ERROR_REASONS)[number];

export { STORE_READ_FAILURES } from '../../src/observation.js';

/**
 * The bounded metric reason of a failed store read. Pure. The reader reports `unreadable` for
 * every fs error with the errno code first in its detail; a bad `version` is a `schema` error
 * whose detail says so.
 */
export function storeReadErrorReason(reason: string, detail = ''): StoreReadErrorReason {
  switch (reason) {
    case 'parse':
    case 'encoding':
      return 'parse';
    case 'too_large':
    case 'version':
    case 'permission':
    case 'io':
      return reason;
    case 'schema':
      return /\bversion\b/i.test(detail) ? 'version' : 'schema';
    default:
      return /^(EACCES|EPERM)\b/.test(detail) ? 'permission' : 'io';
  }
}

/**
 * Probe reasons that mean the provider answered with a verdict on the credential
 * (`probe_success` 1). The others (timeout, network, overloaded, unknown) say nothing about it.
 */
export const VERDICT_REASONS: ReadonlySet<string> = new Set([
  'ok',
  'auth',
  'auth_permanent',
  'billing',
  'rate_limit',
  'model_not_found',
  'format',
]);

/** Verdicts that refuse the credential (`probe_valid` 0). */
export const REFUSED_REASONS: ReadonlySet<string> = new Set(['auth', 'auth_permanent', 'billing']);

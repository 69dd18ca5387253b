/**
 * The one prom-client Registry of a process (monitor daemon, `--once`, gateway): builds
 * the metrics of `metrics.ts` and turns monitor observations into series. Pure but for
 * the registry it mutates; the caller passes `now`.
 */
import { hostname } from 'node:os';
import client from 'prom-client';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { CredentialObservation, Observation } from '../../monitors/types.js';
import { STATUSES } from '../../src/store/status.js';
import { VERSION } from '../../src/version.js';
import { KeyedGauge, StateSetGauge, type StatusMode } from './family.js';
import { renderExposition, type ExpositionFormat } from './exposition.js';
import { latestSkews, setQuota, WindowGauge } from './quota-metrics.js';
import { PROBE_REASONS } from '../../src/providers/types.js';
import { profileLabel, type ProfileLabelMode } from '../../src/util/profile-label.js';
import { METRICS, NOTIFICATION_RESULTS, REFRESH_RESULTS, REFUSED_REASONS, STORE_READ_ERROR_REASONS, STORE_READ_FAILURES, VERDICT_REASONS, storeReadErrorReason, type MetricDef } from './metrics.js';

export { STORE_READ_FAILURES } from './metrics.js';
export type { StatusMode } from './family.js';

type L = string;

export interface AiproMetrics {
  /** prom-client metrics: counters, small gauges, process metrics (and the gateway's). */
  registry: Registry;
  /** The cached per-profile families, rendered before the registry (see `exposition.ts`). */
  families: (KeyedGauge | StateSetGauge)[];
  profileInfo: KeyedGauge;
  profileExpiry: KeyedGauge;
  profileExpiryKnown: KeyedGauge;
  profileStatus: StateSetGauge;
  probeSuccess: KeyedGauge;
  probeValid: KeyedGauge;
  probeDuration: KeyedGauge;
  lastProbe: KeyedGauge;
  probeHttpStatus: KeyedGauge;
  refreshExpiry: KeyedGauge;
  nextRefresh: KeyedGauge;
  cooldownUntil: KeyedGauge;
  quotaUtilization: WindowGauge;
  quotaReset: WindowGauge;
  quotaObserved: KeyedGauge;
  clockSkew: Gauge<L>;
  probeErrors: Counter<L>;
  refreshTotal: Counter<L>;
  alertNotifications: Counter<L>;
  alertOutboxPending: Gauge<L>;
  alertStateOk: Gauge<L>;
  monitorLastRun: Gauge<L>;
  monitorLastSuccess: Gauge<L>;
  monitorRunDuration: Gauge<L>;
  monitorErrors: Counter<L>;
  storeOk: Gauge<L>;
  storeReadErrors: Counter<L>;
  storeLastReadSuccess: Gauge<L>;
  heartbeatTotal: Counter<L>;
  buildInfo: Gauge<L>;
  /** Agents whose auth store could not be read on the last look: `reason: path` (for /readyz). */
  unreadableStores: Map<string, string>;
  /** Profile keys per agent from the last complete credential set (to delete removed ones). */
  known: Map<string, Set<string>>;
  /** What each profile's series were last set from: an unchanged profile costs one string compare. */
  sigs: Map<string, string>;
  /** Providers whose counters are initialised: `plain` (probe errors) or `oauth` (refreshes too). */
  countersFor: Map<string, 'plain' | 'oauth'>;
  /** How the `profile` label is written. */
  profileLabel: ProfileLabelMode;
}

export interface CreateMetricsOptions {
  /** Node process metrics (`process_*`, `nodejs_*`); default true. Off for golden files. */
  defaultMetrics?: boolean;
  /**
   * `stateset` (default): `aipro_auth_profile_status` has one series per status and credential
   * (8 per profile). `label`: only the current one (1 per profile), for large fleets. Rules and
   * dashboards that match `== 1` work with both.
   */
  statusMode?: StatusMode;
  /** The `profile` label: the id (default) or its stable short hash (`monitor.labels.profile`). */
  profileLabel?: ProfileLabelMode;
  /** Labels of `aipro_build_info`; default the real version, `process.version` and the system host name. */
  buildInfo?: { version?: string; node?: string; host?: string };
}

function gauge(registry: Registry, d: MetricDef): Gauge<L> {
  return new client.Gauge({ name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] });
}
function counter(registry: Registry, d: MetricDef): Counter<L> {
  return new client.Counter({ name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] });
}
function keyed(families: AiproMetrics['families'], d: MetricDef): KeyedGauge {
  const g = new KeyedGauge(d.name, d.help, d.labelNames);
  families.push(g);
  return g;
}

function windowed(families: AiproMetrics['families'], d: MetricDef): WindowGauge {
  const g = new WindowGauge(d.name, d.help, d.labelNames);
  families.push(g);
  return g;
}

function stateSet(families: AiproMetrics['families'], d: MetricDef, states: readonly string[], mode: StatusMode): StateSetGauge {
  const help = mode === 'label' ? `${d.help.replace(/ as a state set:.*$/, '')}: one series per credential, 1, its status label the current status (monitor.metrics.statusMode label).` : d.help;
  const g = new StateSetGauge(d.name, help, d.labelNames, states, mode);
  families.push(g);
  return g;
}

/**
 * Build a fresh registry with every aipro metric. The gateway and the monitor call this
 * once per process and serve `registry.metrics()` on `/metrics`.
 */
export function createMetrics(opts: CreateMetricsOptions = {}): AiproMetrics {
  const registry = new client.Registry();
  const families: AiproMetrics['families'] = [];
  const m: AiproMetrics = {
    registry,
    families,
    profileInfo: keyed(families, METRICS.profileInfo),
    profileExpiry: keyed(families, METRICS.profileExpiry),
    profileExpiryKnown: keyed(families, METRICS.profileExpiryKnown),
    profileStatus: stateSet(families, METRICS.profileStatus, STATUSES, opts.statusMode ?? 'stateset'),
    probeSuccess: keyed(families, METRICS.probeSuccess),
    probeValid: keyed(families, METRICS.probeValid),
    probeDuration: keyed(families, METRICS.probeDuration),
    lastProbe: keyed(families, METRICS.lastProbe),
    probeHttpStatus: keyed(families, METRICS.probeHttpStatus),
    refreshExpiry: keyed(families, METRICS.refreshExpiry),
    nextRefresh: keyed(families, METRICS.nextRefresh),
    cooldownUntil: keyed(families, METRICS.cooldownUntil),
    quotaUtilization: windowed(families, METRICS.quotaUtilization),
    quotaReset: windowed(families, METRICS.quotaReset),
    quotaObserved: keyed(families, METRICS.quotaObserved),
    clockSkew: gauge(registry, METRICS.clockSkew),
    probeErrors: counter(registry, METRICS.probeErrors),
    refreshTotal: counter(registry, METRICS.refreshTotal),
    alertNotifications: counter(registry, METRICS.alertNotifications),
    alertOutboxPending: gauge(registry, METRICS.alertOutboxPending),
    alertStateOk: gauge(registry, METRICS.alertStateOk),
    monitorLastRun: gauge(registry, METRICS.monitorLastRun),
    monitorLastSuccess: gauge(registry, METRICS.monitorLastSuccess),
    monitorRunDuration: gauge(registry, METRICS.monitorRunDuration),
    monitorErrors: counter(registry, METRICS.monitorErrors),
    storeOk: gauge(registry, METRICS.storeOk),
    storeReadErrors: counter(registry, METRICS.storeReadErrors),
    storeLastReadSuccess: gauge(registry, METRICS.storeLastReadSuccess),
    heartbeatTotal: counter(registry, METRICS.heartbeatTotal),
    buildInfo: gauge(registry, METRICS.buildInfo),
    unreadableStores: new Map(),
    known: new Map(),
    sigs: new Map(),
    countersFor: new Map(),
    profileLabel: opts.profileLabel ?? 'id',
  };
  // Until alerting reads monitor/state.json and finds it damaged, there is nothing to report.
  m.alertStateOk.set(1);
  m.buildInfo.set({ version: opts.buildInfo?.version ?? VERSION, node: opts.buildInfo?.node ?? process.version, host: opts.buildInfo?.host ?? hostname() }, 1);
  if (opts.defaultMetrics !== false) {
    client.collectDefaultMetrics({ register: registry });
    // Gauges named like counters fail `promtool check metrics`; their per-type twins
    // (nodejs_active_handles{type}, …) carry the same numbers.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  return m;
}

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Key of one credential's series: agent + profile id (unique within an agent). */
export function profileKey(agent: string, profile: string): string {
  return `${agent}\u0000${profile}`;
}

const PROFILE_FAMILIES = [
  'profileInfo',
  'profileExpiry',
  'profileExpiryKnown',
  'profileStatus',
  'probeSuccess',
  'probeValid',
  'probeDuration',
  'lastProbe',
  'probeHttpStatus',
  'refreshExpiry',
  'nextRefresh',
  'cooldownUntil',
  'quotaUtilization',
  'quotaReset',
  'quotaObserved',
] as const;

/** Delete every series of one credential. */
export function removeProfile(m: AiproMetrics, key: string): void {
  for (const f of PROFILE_FAMILIES) m[f].remove(key);
  m.sigs.delete(key);
}

interface ProbeFacts {
  ok: boolean;
  reason: string;
  latencyMs?: number;
  httpStatus?: number;
  /** When it ran (epoch ms). */
  at: number;
}

function setProbe(m: AiproMetrics, key: string, labels: Record<string, string>, p: ProbeFacts | undefined): void {
  if (!p) {
    for (const f of ['probeSuccess', 'probeValid', 'probeDuration', 'lastProbe', 'probeHttpStatus'] as const) m[f].remove(key);
    return;
  }
  m.lastProbe.set(key, labels, p.at / 1000);
  m.probeHttpStatus.set(key, labels, typeof p.httpStatus === 'number' && Number.isFinite(p.httpStatus) ? p.httpStatus : 0);
  const verdict = p.ok || VERDICT_REASONS.has(p.reason);
  m.probeSuccess.set(key, labels, verdict ? 1 : 0);
  if (verdict) m.probeValid.set(key, labels, p.ok || !REFUSED_REASONS.has(p.reason) ? 1 : 0);
  else m.probeValid.remove(key);
  if (typeof p.latencyMs === 'number' && Number.isFinite(p.latencyMs)) m.probeDuration.set(key, labels, p.latencyMs / 1000);
  else m.probeDuration.remove(key);
}

/**
 * Does aipro know when this credential stops working? 0 only for a token, or an OAuth
 * credential without a refresh token, that has no expiry: nothing will ever count down to an
 * alert. An API key has no expiry by design and OAuth that refreshes itself renews its own
 * expiry, so both are 1; a missing provider (`none`) has nothing to know.
 */
export function expiryKnown(o: Pick<CredentialObservation, 'type' | 'expiresAt' | 'refreshable'>): boolean {
  if (o.type !== 'token' && o.type !== 'oauth') return true;
  if (o.type === 'oauth' && o.refreshable) return true;
  return typeof o.expiresAt === 'number' && Number.isFinite(o.expiresAt) && o.expiresAt > 0;
}

function setCredential(m: AiproMetrics, o: CredentialObservation, now: number): string {
  const key = profileKey(o.agent, o.profile);
  const cooling = o.cooldownUntil && o.cooldownUntil > now ? o.cooldownUntil : '';
  const p = o.probe;
  const sig = `${o.provider}\u0001${o.type}\u0001${o.source}\u0001${o.status}\u0001${o.refreshable ? 1 : 0}\u0001${o.expiresAt ?? ''}\u0001${cooling}\u0001${o.refreshExpiresAt ?? ''}\u0001${o.nextRefreshAt ?? ''}\u0001${p ? `${p.ok}|${p.reason}|${p.latencyMs ?? ''}|${p.httpStatus ?? ''}|${p.at}` : ''}`;
  if (m.sigs.get(key) === sig) return key;
  m.sigs.set(key, sig);
  const labels = { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) };
  m.profileInfo.set(key, { ...labels, type: o.type, source: o.source }, 1);
  m.profileStatus.setState(key, labels, o.status);
  // Never 0 and never a routine access-token expiry: only a real, known end of the credential.
  if (typeof o.expiresAt === 'number' && o.expiresAt > 0 && !o.refreshable) m.profileExpiry.set(key, labels, o.expiresAt / 1000);
  else m.profileExpiry.remove(key);
  m.profileExpiryKnown.set(key, labels, expiryKnown(o) ? 1 : 0);
  if (o.cooldownUntil && o.cooldownUntil > now) m.cooldownUntil.set(key, labels, o.cooldownUntil / 1000);
  else m.cooldownUntil.remove(key);
  if (o.type === 'oauth' && typeof o.refreshExpiresAt === 'number') m.refreshExpiry.set(key, labels, o.refreshExpiresAt / 1000);
  else m.refreshExpiry.remove(key);
  if (o.refreshable && typeof o.nextRefreshAt === 'number') m.nextRefresh.set(key, labels, o.nextRefreshAt / 1000);
  else m.nextRefresh.remove(key);
  setProbe(m, key, labels, o.probe);
  return key;
}

/**
 * Every label value of the probe and refresh counters of `provider` exists from its first
 * credential on, at 0, so `increase()` sees the first failure. Refresh results only for OAuth.
 */
function initProviderCounters(m: AiproMetrics, provider: string, oauth: boolean): void {
  const seen = m.countersFor.get(provider);
  if (seen === 'oauth' || (seen === 'plain' && !oauth)) return;
  if (!seen) for (const reason of PROBE_REASONS) if (reason !== 'ok') m.probeErrors.inc({ provider, reason }, 0);
  if (oauth) for (const result of REFRESH_RESULTS) m.refreshTotal.inc({ provider, result }, 0);
  m.countersFor.set(provider, oauth ? 'oauth' : 'plain');
}

/** `aipro_alert_notifications_total` at 0 for every result of every configured channel. */
export function initAlertCounters(m: AiproMetrics, channels: readonly string[]): void {
  for (const channel of channels) for (const result of NOTIFICATION_RESULTS) m.alertNotifications.inc({ channel, result }, 0);
}

export interface UpdateOptions {
  /**
   * The credential observations are the complete current set (an expiry run): series of
   * profiles not in it are deleted. Default: true when the batch holds any credential.
   * Agents whose store could not be read this time (a `store` observation with ok=false)
   * keep their previous series, so a half-written file never looks like deleted profiles.
   */
  replaceCredentials?: boolean;
}

/** Apply one monitor run's observations to the metrics. */
export function updateFromObservations(m: AiproMetrics, observations: readonly Observation[], now: number, opts: UpdateOptions = {}): void {
  const replace = opts.replaceCredentials ?? observations.some((o) => o.kind === 'credential');
  const seen = new Map<string, Set<string>>();
  const unreadable = new Set<string>();
  const readable = new Set<string>();
  const skewProbes: { provider: string; at: number; clockSkewMs: number }[] = [];
  for (const o of observations) {
    switch (o.kind) {
      case 'credential': {
        const key = setCredential(m, o, now);
        initProviderCounters(m, o.provider, o.type === 'oauth');
        setQuota(m, key, { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) }, o.quota, now);
        if (o.probe?.clockSkewMs !== undefined) skewProbes.push({ provider: o.provider, at: o.probe.at, clockSkewMs: o.probe.clockSkewMs });
        let keys = seen.get(o.agent);
        if (!keys) seen.set(o.agent, (keys = new Set()));
        keys.add(key);
        break;
      }
      case 'probe': {
        const key = profileKey(o.agent, o.profile);
        m.sigs.delete(key);
        setProbe(m, key, { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) }, { ...o, at: now });
        if (!o.ok) m.probeErrors.inc({ provider: o.provider, reason: o.reason });
        break;
      }
      case 'refresh':
        m.refreshTotal.inc({ provider: o.provider, result: o.result });
        break;
      case 'store':
        if (!o.ok && STORE_READ_FAILURES.has(o.reason)) {
          unreadable.add(o.agent);
          const reason = storeReadErrorReason(o.reason, o.detail);
          m.storeReadErrors.inc({ agent: o.agent, reason });
          // Bounded reason and path only: a parser's message may quote the file's content.
          m.unreadableStores.set(o.agent, `${reason}: ${o.path}`);
        } else readable.add(o.agent);
        break;
    }
  }
  for (const agent of readable) {
    if (unreadable.has(agent)) continue;
    m.unreadableStores.delete(agent);
    m.storeLastReadSuccess.set({ agent }, now / 1000);
    m.storeOk.set({ agent }, 1);
    // Every reason from 0, so `increase()` sees the first failure.
    for (const reason of STORE_READ_ERROR_REASONS) m.storeReadErrors.inc({ agent, reason }, 0);
  }
  for (const agent of unreadable) m.storeOk.set({ agent }, 0);
  const skews = latestSkews(skewProbes);
  // A complete batch that read every store names every provider with a probe: others are gone.
  if (replace && unreadable.size === 0) m.clockSkew.reset();
  for (const [provider, s] of skews) m.clockSkew.set({ provider }, s.seconds);
  if (!replace) return;
  // A complete batch names every agent: a store no longer looked at is no longer unreadable.
  for (const agent of m.unreadableStores.keys()) if (!unreadable.has(agent)) m.unreadableStores.delete(agent);
  for (const [agent, keys] of m.known) {
    if (unreadable.has(agent)) {
      seen.set(agent, keys);
      continue;
    }
    const current = seen.get(agent);
    for (const key of keys) if (!current?.has(key)) removeProfile(m, key);
  }
  m.known = seen;
}


/**
 * The aipro metrics as text (or OpenMetrics). `textfile` leaves out counters (they would
 * restart at zero on every `--once` run) and the Node process metrics (node_exporter has its own).
 */
export async function renderMetrics(m: AiproMetrics, opts: { textfile?: boolean; format?: ExpositionFormat } = {}): Promise<string> {
  return renderExposition(m, opts.format ?? 'text', opts.textfile ? textfileMetric : undefined);
}

/** Metrics that go into the textfile: aipro's own, no counters. */
export function textfileMetric(m: { name: string; type: string }): boolean {
  return m.name.startsWith('aipro_') && m.type !== 'counter';
}

/**
 * The one prom-client Registry of a process (monitor daemon, `--once`, gateway): builds
 * the metrics of `metrics.ts` and turns monitor observations into series. Pure but for
 * the registry it mutates; the caller passes `now`.
 */
import { hostname } from 'node:os';
import client from 'prom-client';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { Observation } from '../../src/observation.js';
import { STATUSES } from '../../src/store/status.js';
import { VERSION } from '../../src/version.js';
import { KeyedGauge, StateSetGauge, type StatusMode } from './family.js';
import { renderExposition, type ExpositionFormat } from './exposition.js';
import { latestSkews, setQuota, WindowGauge } from './quota-metrics.js';
import { initProviderCounters } from './counters.js';
import { profileKey, setCredential, setProbe, type ProfileSig } from './profile-series.js';
import { profileLabel, type ProfileLabelMode } from '../../src/util/profile-label.js';
import {
  METRICS,
  STORE_READ_ERROR_REASONS,
  STORE_READ_FAILURES,
  storeReadErrorReason,
  type MetricDef,
} from './metrics.js';

export { STORE_READ_FAILURES } from './metrics.js';
export { initAlertCounters } from './counters.js';
export { expiryKnown, profileKey } from './profile-series.js';
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
  fleetLeader: Gauge<L>;
  buildInfo: Gauge<L>;
  /** Agents whose auth store could not be read on the last look: `reason: path` (for /readyz). */
  unreadableStores: Map<string, string>;
  /** Profile keys per agent from the last complete credential set (to delete removed ones). */
  known: Map<string, Set<string>>;
  /** What each profile's series were last set from: an unchanged profile costs one string compare. */
  sigs: Map<string, ProfileSig>;
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

function stateSet(
  families: AiproMetrics['families'],
  d: MetricDef,
  states: readonly string[],
  mode: StatusMode,
): StateSetGauge {
  const help =
    mode === 'label'
      ? `${d.help.replace(/ as a state set:.*$/, '')}: one series per credential, 1, its status label the current ` +
        `status (monitor.metrics.statusMode label).`
      : d.help;
  const g = new StateSetGauge(d.name, help, d.labelNames, states, mode);
  families.push(g);
  return g;
}

/**
 * What every aipro process serves, whatever else it registers: `aipro_build_info` and,
 * unless turned off, Node's process metrics. Each process adds only its own families: the
 * monitor's in `createMetrics`, the gateway's in gateway-metrics.ts.
 */
export function createProcessRegistry(opts: CreateMetricsOptions = {}): {
  registry: Registry;
  buildInfo: Gauge<string>;
} {
  const registry = new client.Registry();
  return { registry, buildInfo: addProcessMetrics(registry, opts) };
}

/** Register the process metrics on `registry` (after the process's own families, so they come last). */
function addProcessMetrics(registry: Registry, opts: CreateMetricsOptions): Gauge<string> {
  const buildInfo = gauge(registry, METRICS.buildInfo);
  buildInfo.set(
    {
      version: opts.buildInfo?.version ?? VERSION,
      node: opts.buildInfo?.node ?? process.version,
      host: opts.buildInfo?.host ?? hostname(),
    },
    1,
  );
  if (opts.defaultMetrics !== false) {
    client.collectDefaultMetrics({ register: registry });
    // Gauges named like counters fail `promtool check metrics`; their per-type twins
    // (nodejs_active_handles{type}, …) carry the same numbers.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  return buildInfo;
}

/** Build the monitor's metrics: its families plus the process metrics, once per process. */
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
    fleetLeader: gauge(registry, METRICS.fleetLeader),
    // Last, as always: the build info, then Node's process metrics.
    buildInfo: addProcessMetrics(registry, opts),
    unreadableStores: new Map(),
    known: new Map(),
    sigs: new Map(),
    countersFor: new Map(),
    profileLabel: opts.profileLabel ?? 'id',
  };
  // Until alerting reads monitor/state.json and finds it damaged, there is nothing to report.
  m.alertStateOk.set(1);
  return m;
}

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

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
export function updateFromObservations(
  m: AiproMetrics,
  observations: readonly Observation[],
  now: number,
  opts: UpdateOptions = {},
): void {
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
        setQuota(
          m,
          key,
          { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) },
          o.quota,
          now,
        );
        if (o.probe?.clockSkewMs !== undefined)
          skewProbes.push({ provider: o.provider, at: o.probe.at, clockSkewMs: o.probe.clockSkewMs });
        let keys = seen.get(o.agent);
        if (!keys) seen.set(o.agent, (keys = new Set()));
        keys.add(key);
        break;
      }
      case 'probe': {
        const key = profileKey(o.agent, o.profile);
        m.sigs.delete(key);
        setProbe(
          m,
          key,
          { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) },
          { ...o, at: now },
        );
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
export async function renderMetrics(
  m: AiproMetrics,
  opts: { textfile?: boolean; format?: ExpositionFormat } = {},
): Promise<string> {
  return renderExposition(m, opts.format ?? 'text', opts.textfile ? textfileMetric : undefined);
}

/** Metrics that go into the textfile: aipro's own, no counters. */
export function textfileMetric(m: { name: string; type: string }): boolean {
  return m.name.startsWith('aipro_') && m.type !== 'counter';
}

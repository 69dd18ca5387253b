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
import type { StatusMode } from './family.js';
import { renderExposition, type ExpositionFormat } from './exposition.js';
import { latestSkews, setQuota } from './quota-metrics.js';
import { initProviderCounters } from './counters.js';
import { profileKey, setCredential, setProbe } from './profile-series.js';
import { ProfileGauge, ProfileInfoGauge, ProfileStateSet, ProfileWindowGauge } from './profile-families.js';
import { ProfileTable, SLOT, WINDOW } from './profile-table.js';
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
  /** One record per profile holding the values of every per-profile family. */
  profiles: ProfileTable;
  /** The per-profile families (views of `profiles`), rendered before the registry (see `exposition.ts`). */
  families: (ProfileGauge | ProfileStateSet | ProfileWindowGauge)[];
  profileInfo: ProfileInfoGauge;
  profileExpiry: ProfileGauge;
  profileExpiryKnown: ProfileGauge;
  profileStatus: ProfileStateSet;
  probeSuccess: ProfileGauge;
  probeValid: ProfileGauge;
  probeDuration: ProfileGauge;
  lastProbe: ProfileGauge;
  probeHttpStatus: ProfileGauge;
  refreshExpiry: ProfileGauge;
  nextRefresh: ProfileGauge;
  cooldownUntil: ProfileGauge;
  quotaUtilization: ProfileWindowGauge;
  quotaReset: ProfileWindowGauge;
  quotaObserved: ProfileGauge;
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
  /** Counts updates, to tell the profiles an update saw (`ProfileRecord.stamp`) from the others. */
  updates: number;
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
type Families = AiproMetrics['families'];

function keyed(table: ProfileTable, families: Families, d: MetricDef, slot: number): ProfileGauge {
  const g = new ProfileGauge(table, d.name, d.help, d.labelNames, slot);
  families.push(g);
  return g;
}

function windowed(table: ProfileTable, families: Families, d: MetricDef, slot: 0 | 1): ProfileWindowGauge {
  const g = new ProfileWindowGauge(table, d.name, d.help, d.labelNames, slot);
  families.push(g);
  return g;
}

function stateSet(
  table: ProfileTable,
  families: Families,
  d: MetricDef,
  states: readonly string[],
  mode: StatusMode,
): ProfileStateSet {
  const help =
    mode === 'label'
      ? `${d.help.replace(/ as a state set:.*$/, '')}: one series per credential, 1, its status label the current ` +
        `status (monitor.metrics.statusMode label).`
      : d.help;
  const g = new ProfileStateSet(table, d.name, help, d.labelNames, states, mode);
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
  const families: Families = [];
  const t = new ProfileTable();
  const info = new ProfileInfoGauge(
    t,
    METRICS.profileInfo.name,
    METRICS.profileInfo.help,
    METRICS.profileInfo.labelNames,
  );
  families.push(info);
  const m: AiproMetrics = {
    registry,
    profiles: t,
    families,
    profileInfo: info,
    profileExpiry: keyed(t, families, METRICS.profileExpiry, SLOT.expiry),
    profileExpiryKnown: keyed(t, families, METRICS.profileExpiryKnown, SLOT.expiryKnown),
    profileStatus: stateSet(t, families, METRICS.profileStatus, STATUSES, opts.statusMode ?? 'stateset'),
    probeSuccess: keyed(t, families, METRICS.probeSuccess, SLOT.probeSuccess),
    probeValid: keyed(t, families, METRICS.probeValid, SLOT.probeValid),
    probeDuration: keyed(t, families, METRICS.probeDuration, SLOT.probeDuration),
    lastProbe: keyed(t, families, METRICS.lastProbe, SLOT.lastProbe),
    probeHttpStatus: keyed(t, families, METRICS.probeHttpStatus, SLOT.probeHttpStatus),
    refreshExpiry: keyed(t, families, METRICS.refreshExpiry, SLOT.refreshExpiry),
    nextRefresh: keyed(t, families, METRICS.nextRefresh, SLOT.nextRefresh),
    cooldownUntil: keyed(t, families, METRICS.cooldownUntil, SLOT.cooldownUntil),
    quotaUtilization: windowed(t, families, METRICS.quotaUtilization, WINDOW.utilization),
    quotaReset: windowed(t, families, METRICS.quotaReset, WINDOW.reset),
    quotaObserved: keyed(t, families, METRICS.quotaObserved, SLOT.quotaObserved),
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
    updates: 0,
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

/** Delete every series of one credential. */
export function removeProfile(m: AiproMetrics, key: string): void {
  m.profiles.delete(key);
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
  const stamp = ++m.updates;
  const unreadable = new Set<string>();
  const readable = new Set<string>();
  const skewProbes: { provider: string; at: number; clockSkewMs: number }[] = [];
  for (const o of observations) {
    switch (o.kind) {
      case 'credential': {
        const rec = setCredential(m, o, now);
        rec.stamp = stamp;
        initProviderCounters(m, o.provider, o.type === 'oauth');
        setQuota(rec, o.quota, now);
        if (o.probe?.clockSkewMs !== undefined)
          skewProbes.push({ provider: o.provider, at: o.probe.at, clockSkewMs: o.probe.clockSkewMs });
        break;
      }
      case 'probe': {
        const rec = m.profiles.upsert(
          profileKey(o.agent, o.profile),
          o.agent,
          o.provider,
          profileLabel(o.profile, m.profileLabel),
        );
        // Set apart from its credential: the next credential update sets every series again.
        rec.sig = undefined;
        setProbe(rec, { ...o, at: now });
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
  // Profiles of the last complete set that this one lacks are gone, unless their store was unreadable.
  for (const rec of m.profiles.values()) {
    if (rec.stamp === stamp) rec.known = true;
    else if (rec.known && !unreadable.has(rec.agent)) removeProfile(m, rec.key);
  }
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

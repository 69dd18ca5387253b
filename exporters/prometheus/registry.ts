/**
 * The one prom-client Registry of a process (monitor daemon, `--once`, gateway): builds
 * the metrics of `metrics.ts` and turns monitor observations into series. Pure but for
 * the registry it mutates; the caller passes `now`.
 */
import client from 'prom-client';
import type { Counter, Gauge, Metric, Registry } from 'prom-client';
import type { CredentialObservation, Observation } from '../../monitors/types.js';
import { STATUSES } from '../../src/store/status.js';
import { VERSION } from '../../src/version.js';
import { KeyedGauge, StateSetGauge } from './family.js';
import { latestSkews, setQuota, WindowGauge } from './quota-metrics.js';
import { METRICS, REFUSED_REASONS, STORE_READ_ERROR_REASONS, STORE_READ_FAILURES, VERDICT_REASONS, storeReadErrorReason, type MetricDef } from './metrics.js';

export { STORE_READ_FAILURES } from './metrics.js';

/** A Registry that renders the cached families itself (see `family.ts` for why). */
class AiproRegistry extends client.Registry {
  async getMetricsAsString(metric: unknown): Promise<string> {
    const m = metric as { renderText?: () => string };
    if (typeof m.renderText === 'function') return m.renderText();
    return (client.Registry.prototype as unknown as { getMetricsAsString(x: unknown): Promise<string> }).getMetricsAsString.call(this, metric);
  }

  /** Exactly the text of `metrics()`, in pieces (for streaming a large scrape). */
  async *stream(filter: (m: { name: string; type: string }) => boolean = () => true): AsyncGenerator<string> {
    let first = true;
    for (const metric of this.getMetricsAsArray()) {
      const m = metric as unknown as { name: string; type: string; chunks?: () => Iterable<string> };
      if (!filter(m)) continue;
      if (!first) yield '\n\n';
      first = false;
      if (typeof m.chunks === 'function') yield* m.chunks();
      else yield await this.getMetricsAsString(metric);
    }
    yield '\n';
  }
}

/** The pieces of `registry.metrics()` when the registry can stream them (ours can), else the whole text. */
export async function* metricsChunks(registry: Registry, filter?: (m: { name: string; type: string }) => boolean): AsyncGenerator<string> {
  const r = registry as unknown as { stream?: AiproRegistry['stream'] };
  if (typeof r.stream === 'function') yield* r.stream.call(registry, filter);
  else yield await registry.metrics();
}

type L = string;

export interface AiproMetrics {
  registry: Registry;
  profileInfo: KeyedGauge;
  profileExpiry: KeyedGauge;
  profileExpiryKnown: KeyedGauge;
  profileStatus: StateSetGauge;
  probeSuccess: KeyedGauge;
  probeValid: KeyedGauge;
  probeDuration: KeyedGauge;
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
}

export interface CreateMetricsOptions {
  /** Node process metrics (`process_*`, `nodejs_*`); default true. Off for golden files. */
  defaultMetrics?: boolean;
  /** Labels of `aipro_build_info`; default the real version and `process.version`. */
  buildInfo?: { version?: string; node?: string };
}

function gauge(registry: Registry, d: MetricDef): Gauge<L> {
  return new client.Gauge({ name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] });
}
function counter(registry: Registry, d: MetricDef): Counter<L> {
  return new client.Counter({ name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] });
}
function keyed(registry: Registry, d: MetricDef): KeyedGauge {
  const g = new KeyedGauge(d.name, d.help, d.labelNames);
  registry.registerMetric(g as unknown as Metric);
  return g;
}

function windowed(registry: Registry, d: MetricDef): WindowGauge {
  const g = new WindowGauge(d.name, d.help, d.labelNames);
  registry.registerMetric(g as unknown as Metric);
  return g;
}

function stateSet(registry: Registry, d: MetricDef, states: readonly string[]): StateSetGauge {
  const g = new StateSetGauge(d.name, d.help, d.labelNames, states);
  registry.registerMetric(g as unknown as Metric);
  return g;
}

/**
 * Build a fresh registry with every aipro metric. The gateway and the monitor call this
 * once per process and serve `registry.metrics()` on `/metrics`.
 */
export function createMetrics(opts: CreateMetricsOptions = {}): AiproMetrics {
  const registry = new AiproRegistry() as unknown as Registry;
  const m: AiproMetrics = {
    registry,
    profileInfo: keyed(registry, METRICS.profileInfo),
    profileExpiry: keyed(registry, METRICS.profileExpiry),
    profileExpiryKnown: keyed(registry, METRICS.profileExpiryKnown),
    profileStatus: stateSet(registry, METRICS.profileStatus, STATUSES),
    probeSuccess: keyed(registry, METRICS.probeSuccess),
    probeValid: keyed(registry, METRICS.probeValid),
    probeDuration: keyed(registry, METRICS.probeDuration),
    cooldownUntil: keyed(registry, METRICS.cooldownUntil),
    quotaUtilization: windowed(registry, METRICS.quotaUtilization),
    quotaReset: windowed(registry, METRICS.quotaReset),
    quotaObserved: keyed(registry, METRICS.quotaObserved),
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
  };
  // Until alerting reads monitor/state.json and finds it damaged, there is nothing to report.
  m.alertStateOk.set(1);
  m.buildInfo.set({ version: opts.buildInfo?.version ?? VERSION, node: opts.buildInfo?.node ?? process.version }, 1);
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

const PROFILE_FAMILIES = ['profileInfo', 'profileExpiry', 'profileExpiryKnown', 'profileStatus', 'probeSuccess', 'probeValid', 'probeDuration', 'cooldownUntil', 'quotaUtilization', 'quotaReset', 'quotaObserved'] as const;

/** Delete every series of one credential. */
export function removeProfile(m: AiproMetrics, key: string): void {
  for (const f of PROFILE_FAMILIES) m[f].remove(key);
  m.sigs.delete(key);
}

function setProbe(m: AiproMetrics, key: string, labels: Record<string, string>, p: { ok: boolean; reason: string; latencyMs?: number } | undefined): void {
  if (!p) {
    m.probeSuccess.remove(key);
    m.probeValid.remove(key);
    m.probeDuration.remove(key);
    return;
  }
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
  const sig = `${o.provider}\u0001${o.type}\u0001${o.source}\u0001${o.status}\u0001${o.refreshable ? 1 : 0}\u0001${o.expiresAt ?? ''}\u0001${cooling}\u0001${p ? `${p.ok}|${p.reason}|${p.latencyMs ?? ''}` : ''}`;
  if (m.sigs.get(key) === sig) return key;
  m.sigs.set(key, sig);
  const labels = { agent: o.agent, provider: o.provider, profile: o.profile };
  m.profileInfo.set(key, { ...labels, type: o.type, source: o.source }, 1);
  m.profileStatus.setState(key, labels, o.status);
  // Never 0 and never a routine access-token expiry: only a real, known end of the credential.
  if (typeof o.expiresAt === 'number' && o.expiresAt > 0 && !o.refreshable) m.profileExpiry.set(key, labels, o.expiresAt / 1000);
  else m.profileExpiry.remove(key);
  m.profileExpiryKnown.set(key, labels, expiryKnown(o) ? 1 : 0);
  if (o.cooldownUntil && o.cooldownUntil > now) m.cooldownUntil.set(key, labels, o.cooldownUntil / 1000);
  else m.cooldownUntil.remove(key);
  setProbe(m, key, labels, o.probe);
  return key;
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
        setQuota(m, key, { agent: o.agent, provider: o.provider, profile: o.profile }, o.quota, now);
        if (o.probe?.clockSkewMs !== undefined) skewProbes.push({ provider: o.provider, at: o.probe.at, clockSkewMs: o.probe.clockSkewMs });
        let keys = seen.get(o.agent);
        if (!keys) seen.set(o.agent, (keys = new Set()));
        keys.add(key);
        break;
      }
      case 'probe': {
        const key = profileKey(o.agent, o.profile);
        m.sigs.delete(key);
        setProbe(m, key, { agent: o.agent, provider: o.provider, profile: o.profile }, o);
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
 * The aipro metrics as text. `textfile` leaves out counters (they would restart at zero on
 * every `--once` run) and the Node process metrics (node_exporter has its own).
 */
export async function renderMetrics(m: AiproMetrics, opts: { textfile?: boolean } = {}): Promise<string> {
  if (!opts.textfile) return m.registry.metrics();
  let out = '';
  for await (const piece of metricsChunks(m.registry, textfileMetric)) out += piece;
  return out;
}

/** Metrics that go into the textfile: aipro's own, no counters. */
export function textfileMetric(m: { name: string; type: string }): boolean {
  return m.name.startsWith('aipro_') && m.type !== 'counter';
}

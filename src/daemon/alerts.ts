/**
 * Handing observations to alerting (`src/alerts/run.ts`, loaded lazily). Alerts run in
 * their own lane: a slow SMTP server or a throwing channel never delays the next expiry
 * cycle or `/metrics`. Each probe/refresh/store observation is handed over exactly once
 * (alerting counts failed probe cycles); the credential set is always the latest.
 */
import type { AlertMetricsSink } from '../alerts/types.js';
import type { AiproConfig } from '../config/schema.js';
import type { MonitorLogger, Observation } from '../../monitors/types.js';
import type { AiproMetrics } from '../../exporters/prometheus/registry.js';

/** Alerting's entry point; a type-only import, so the alerts code still loads lazily. */
export type RunAlerts = typeof import('../alerts/run.js').runAlerts;

/** `aipro_alert_notifications_total` / `aipro_alert_outbox_pending` behind alerting's sink interface. */
export function alertSink(m: AiproMetrics): AlertMetricsSink {
  return {
    notification: (channel, result) => m.alertNotifications.inc({ channel, result }),
    outboxPending: (channel, count) => m.alertOutboxPending.set({ channel }, count),
    stateOk: (ok) => m.alertStateOk.set(ok),
  };
}

/** Load alerting; null (logged) when it cannot load, so monitoring goes on without it. */
export async function loadRunAlerts(log: MonitorLogger): Promise<RunAlerts | null> {
  try {
    const mod = (await import('../alerts/run.js')) as { runAlerts?: RunAlerts };
    if (typeof mod.runAlerts === 'function') return mod.runAlerts;
    log.warn('alerts.unavailable', { msg: 'src/alerts/run.js has no runAlerts; alerts are off' });
  } catch (err) {
    log.error('alerts.unavailable', {
      error: (err as Error)?.message ?? String(err),
      msg: 'alerts are off; metrics continue',
    });
  }
  return null;
}

export type AlertRunResult =
  | { ok: true; sent: number; pending: number }
  | { ok: false; detail: string; timedOut?: boolean };

/**
 * Run alerting once, never throwing. `first` settles after at most `timeoutMs` (a timeout
 * is logged and reported as not ok); `settled` when the run itself has finished.
 */
export function runAlertsGuarded(
  run: RunAlerts,
  input: Parameters<RunAlerts>[0],
  timeoutMs: number,
): { first: Promise<AlertRunResult>; settled: Promise<AlertRunResult> } {
  const settled = Promise.resolve()
    .then(() => run(input))
    .then(
      (r): AlertRunResult => ({ ok: true, sent: r.sent, pending: r.pending }),
      (err: unknown): AlertRunResult => {
        const detail = (err as Error)?.message ?? String(err);
        input.log.error('alerts.failed', {
          error: detail,
          msg: 'alert delivery failed this cycle; metrics and monitors go on',
        });
        return { ok: false, detail };
      },
    );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AlertRunResult>((resolve) => {
    timer = setTimeout(() => {
      const detail = `alert run still busy after ${timeoutMs} ms`;
      input.log.warn('alerts.slow', { detail });
      resolve({ ok: false, detail, timedOut: true });
    }, timeoutMs);
    timer.unref();
  });
  const first = Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  return { first, settled };
}

interface Pending {
  config: AiproConfig;
  env: Record<string, string>;
  credentials: Observation[];
  now: number;
  /** The fleet's alert state and name (PostgreSQL store); absent: this host's file and name. */
  fleet?: Parameters<RunAlerts>[0]['fleet'];
}

/** The daemon's alert lane: at most one alert run at a time; a newer cycle replaces a waiting one. */
export class AlertLane {
  private extra: Observation[] = [];
  private next: Pending | null = null;
  private current: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      log: MonitorLogger;
      metrics: AiproMetrics;
      run: RunAlerts | null;
      cycleIntervalMs: () => number;
      timeoutMs?: number;
    },
  ) {}

  /** Probe, refresh and store observations: delivered with the next alert run, once. */
  addExtra(observations: readonly Observation[]): void {
    if (this.deps.run) this.extra.push(...observations);
  }

  /** An expiry cycle finished: run alerts on it now, or right after the current run. */
  submit(p: Pending): void {
    if (!this.deps.run) return;
    this.next = p;
    if (!this.current) this.current = this.loop().finally(() => (this.current = null));
  }

  private async loop(): Promise<void> {
    const run = this.deps.run as RunAlerts;
    while (this.next) {
      const p = this.next;
      this.next = null;
      const observations = [...p.credentials, ...this.extra];
      this.extra = [];
      const guarded = runAlertsGuarded(
        run,
        {
          config: p.config,
          env: p.env,
          observations,
          now: p.now,
          log: this.deps.log,
          metrics: alertSink(this.deps.metrics),
          cycleIntervalMs: this.deps.cycleIntervalMs(),
          ...(p.fleet ? { fleet: p.fleet } : {}),
        },
        this.deps.timeoutMs ?? 120_000,
      );
      // One alert run at a time (they share the state file): a slow one is logged, then awaited.
      const res = await guarded.settled;
      if (res.ok && (res.sent > 0 || res.pending > 0))
        this.deps.log.info('alerts.done', { sent: res.sent, pending: res.pending });
    }
  }

  /** Wait for the running alert run (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }
}

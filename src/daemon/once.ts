/**
 * `aipro monitor --once`: for systemd timers and cron. Runs every monitor once, writes
 * the textfile, hands the observations to alerting, prints a short summary and exits
 * with the `--check` code (0 ok, 1 broken or could not check, 2 expiring).
 */
import { MONITORS, monitorList } from '../../monitors/index.js';
import type { CredentialObservation, Monitor, MonitorLogger, Observation } from '../../monitors/types.js';
import { readFileSync } from 'node:fs';
import {
  createMetrics,
  STORE_READ_FAILURES,
  type AiproMetrics,
  initAlertCounters,
} from '../../exporters/prometheus/registry.js';
import { seedFromText } from '../../exporters/prometheus/seed.js';
import type { TextfileResult } from '../../exporters/textfile/writer.js';
import { CliError, EXIT } from '../errors.js';
import { checkExitCode, severity } from '../store/status.js';
import { alertSink, loadRunAlerts, runAlertsGuarded, type AlertRunResult, type RunAlerts } from './alerts.js';
import { loadMonitorSetup } from './setup.js';
import { initRunCounters, metricsRecorder } from './record.js';
import { MonitorRunner, type RunOutcome } from '../../monitors/runner.js';
import type { Context } from '../context.js';
import { heartbeatOnce } from './heartbeat.js';
import { createLogger, type LogFormat } from '../log.js';
import { writeMetricsTextfile } from './textfile.js';
import { alertHost } from '../alerts/host.js';
import { LEADER_ONLY, openMonitorStore, runContext, type MonitorStore } from './fleet.js';

/** One monitor's outcome in the `--once` summary line. */
function outcomeText(o: RunOutcome): string {
  if (o.status === 'failed') return `${o.monitor} FAILED (${o.reason}: ${o.detail})`;
  if (o.status !== 'ok') return `${o.monitor} skipped`;
  return o.unreadable
    ? `${o.monitor} FAILED (store unreadable: ${o.unreadable.join(', ')})`
    : `${o.monitor} ok (${o.durationMs} ms)`;
}

export interface OnceOptions {
  logFormat: LogFormat;
  json?: boolean;
  monitors?: Partial<Record<string, Monitor>>;
  processEnv?: NodeJS.ProcessEnv;
  write?: (line: string) => void;
  out?: (text: string) => void;
  runAlerts?: RunAlerts | null;
  /** How long to wait for alert delivery before exiting anyway (default 120 s). */
  alertTimeoutMs?: number;
}

/** The `--once` timer interval assumed for Alertmanager `endsAt` (the shipped timer runs every 30 min). */
const ONCE_INTERVAL_MS = 30 * 60_000;

export interface OnceResult {
  exitCode: number;
  outcomes: RunOutcome[];
  textfile?: TextfileResult;
  alerts?: AlertRunResult;
  /** True when alerting was still busy at exit (the caller should exit hard). */
  alertsBusy: boolean;
  /** The dead-man's switch ping (`aipro_heartbeat_total` result), when one was configured. */
  heartbeat?: string | null;
  /** Fleet store only: this host and whether it led (ran refresh, validity and alerts). */
  fleet?: { host: string; leader: boolean };
}

/**
 * Start from the series of the last textfile, so a store that cannot be read this time keeps
 * its agent's last good series instead of dropping them (the rules would resolve silently).
 */
function seedFromTextfile(metrics: AiproMetrics, path: string, log: MonitorLogger): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn('textfile.unreadable', {
        path,
        error: (err as NodeJS.ErrnoException).code ?? String(err),
        msg: 'starting without the previous series',
      });
    return;
  }
  seedFromText(metrics, text);
}

/** Exit code for one `--once` run. Pure. */
export function onceExitCode(outcomes: readonly RunOutcome[], textfile?: TextfileResult): number {
  const all = outcomes.flatMap((o) => (o.status === 'ok' ? o.observations : []));
  const expiryOk = outcomes.some((o) => o.monitor === 'expiry' && o.status === 'ok');
  // A check fails closed: no expiry verdict, an unreadable store or a lost textfile is a failure.
  if (!expiryOk) return EXIT.FAIL;
  if (all.some((o) => o.kind === 'store' && !o.ok && STORE_READ_FAILURES.has(o.reason))) return EXIT.FAIL;
  if (textfile && !textfile.ok) return EXIT.FAIL;
  return checkExitCode(all.filter((o): o is CredentialObservation => o.kind === 'credential').map((o) => o.status));
}

/** Run every monitor once. Throws a CliError when the config is refused. */
export async function runOnce(opts: OnceOptions): Promise<OnceResult> {
  const log = createLogger({ format: opts.logFormat, ...(opts.write ? { write: opts.write } : {}) });
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const monitors = monitorList(opts.monitors ?? MONITORS);
  const setup = loadMonitorSetup(monitors, undefined, opts.processEnv);
  if (!setup.ok) {
    log.error('monitor.refused', { key: setup.key, detail: setup.detail });
    throw new CliError(setup.message, EXIT.FAIL);
  }
  const { ctx } = setup;
  const metrics = createMetrics({
    defaultMetrics: false,
    statusMode: ctx.config.monitor.metrics.statusMode,
    profileLabel: ctx.config.monitor.labels.profile,
    buildInfo: { host: alertHost(ctx.config) },
  });
  initAlertCounters(metrics, Object.keys(ctx.config.alerts.channels));
  if (ctx.config.monitor.textfile.path) seedFromTextfile(metrics, ctx.config.monitor.textfile.path, log);
  let fleet: MonitorStore;
  try {
    // One look at the fleet lock: a --once run never waits to lead.
    fleet = await openMonitorStore(ctx, { leaderRetryMs: 3_600_000 });
  } catch (err) {
    const detail = (err as Error).message;
    log.error('monitor.refused', { key: 'store.backend', detail });
    throw new CliError(`aipro monitor --once cannot open the fleet store: ${detail}`, EXIT.FAIL);
  }
  const result: OnceResult = { exitCode: EXIT.OK, outcomes: [], alertsBusy: false };
  try {
    await onceWith(ctx, fleet, monitors, metrics, log, result, opts);
  } finally {
    // An alert run still busy holds a connection: the caller exits hard, the sessions end with it.
    if (result.alertsBusy) void fleet.close().catch(() => undefined);
    else await fleet.close();
  }
  result.exitCode = onceExitCode(result.outcomes, result.textfile);
  result.heartbeat = await heartbeatOnce(ctx.config.monitor.heartbeat, result.outcomes, {
    env: ctx.env,
    log,
    counter: metrics.heartbeatTotal,
  });
  out(opts.json ? `${JSON.stringify(onceJson(result), null, 2)}\n` : onceText(result));
  return result;
}

/** The monitors, the textfile and alerting of one `--once` run, into `result`. */
async function onceWith(
  ctx: Context,
  fleet: MonitorStore,
  monitors: Monitor[],
  metrics: AiproMetrics,
  log: MonitorLogger,
  result: OnceResult,
  opts: OnceOptions,
): Promise<void> {
  const leads = await fleet.leads();
  if (fleet.leader) {
    result.fleet = { host: fleet.host, leader: leads };
    metrics.fleetLeader.set({ host: fleet.host }, leads ? 1 : 0);
  }
  const agents = await fleet.agents(ctx);
  const runner = new MonitorRunner({
    recorder: metricsRecorder(metrics),
    log,
    context: runContext(() => ({ ctx, agents }), log, fleet),
  });
  initRunCounters(
    metrics,
    monitors.map((m) => m.name),
  );
  const outcomes = result.outcomes;
  for (const m of monitors)
    outcomes.push(
      leads || !LEADER_ONLY.has(m.name) ? await runner.run(m, 'once') : { status: 'skipped', monitor: m.name },
    );

  if (ctx.config.monitor.textfile.path)
    result.textfile = await writeMetricsTextfile(metrics, ctx.config.monitor.textfile.path, log);

  const run = leads ? (opts.runAlerts !== undefined ? opts.runAlerts : await loadRunAlerts(log)) : null;
  if (run) {
    const observations: Observation[] = outcomes.flatMap((o) => (o.status === 'ok' ? o.observations : []));
    const f = fleet.alertFleet();
    const guarded = runAlertsGuarded(
      run,
      {
        config: ctx.config,
        env: ctx.env,
        observations,
        now: ctx.now(),
        log,
        metrics: alertSink(metrics),
        cycleIntervalMs: ONCE_INTERVAL_MS,
        ...(f ? { fleet: f } : {}),
      },
      opts.alertTimeoutMs ?? 120_000,
    );
    result.alerts = await guarded.first;
    result.alertsBusy = !result.alerts.ok && result.alerts.timedOut === true;
  }
}

function credentials(r: OnceResult): CredentialObservation[] {
  return r.outcomes
    .flatMap((o) => (o.status === 'ok' ? o.observations : []))
    .filter((o): o is CredentialObservation => o.kind === 'credential');
}

const EXIT_TEXT: Record<number, string> = {
  0: 'ok',
  1: 'failed (expired/missing/invalid/rejected/refresh_failed, or the check could not run)',
  2: 'expiring',
};

/** The short human summary. No secrets: ids, statuses, details and fix commands only. */
export function onceText(r: OnceResult): string {
  const creds = credentials(r);
  const counts = new Map<string, number>();
  for (const c of creds) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const lines = [
    `aipro monitor --once: ${creds.length} credential${creds.length === 1 ? '' : 's'}` +
      (counts.size ? ` (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')})` : ''),
  ];
  for (const c of creds.filter((x) => severity(x.status) > 0).sort((a, b) => severity(b.status) - severity(a.status))) {
    lines.push(
      `  ${c.status.padEnd(14)} ${c.agent} ${c.type === 'none' ? c.provider : c.profile}: ` +
        `${c.detail}${c.hint ? ` — fix: ${c.hint}` : ''}`,
    );
  }
  for (const o of r.outcomes.flatMap((x) => (x.status === 'ok' ? x.observations : []))) {
    if (o.kind === 'store' && !o.ok)
      lines.push(`  store ${o.reason.padEnd(8)} ${o.agent} ${o.path}: ${o.detail ?? ''}`);
  }
  lines.push(`monitors: ${r.outcomes.map(outcomeText).join(', ')}`);
  if (r.textfile)
    lines.push(
      r.textfile.ok
        ? `textfile: ${r.textfile.path} (${r.textfile.bytes} bytes)`
        : `textfile: FAILED: ${r.textfile.detail}`,
    );
  if (r.alerts)
    lines.push(
      r.alerts.ok ? `alerts: ${r.alerts.sent} sent, ${r.alerts.pending} pending` : `alerts: ${r.alerts.detail}`,
    );
  if (r.heartbeat) lines.push(`heartbeat: ${r.heartbeat}`);
  if (r.fleet)
    lines.push(
      r.fleet.leader
        ? `fleet: ${r.fleet.host} leads (refresh, validity and alerts ran here)`
        : 'fleet: another host leads; refresh, validity and alerts are left to it ' +
            `(${r.fleet.host} exports metrics only)`,
    );
  lines.push(`exit ${r.exitCode}: ${EXIT_TEXT[r.exitCode] ?? ''}`);
  return `${lines.join('\n')}\n`;
}

/** The `--once --json` document. */
export function onceJson(r: OnceResult) {
  return {
    version: 1,
    exitCode: r.exitCode,
    credentials: credentials(r).map((c) => ({
      agent: c.agent,
      provider: c.provider,
      profile: c.profile,
      type: c.type,
      source: c.source,
      status: c.status,
      detail: c.detail,
      expiresAtMs: c.expiresAt ?? null,
      fix: c.hint ?? null,
    })),
    monitors: r.outcomes.map((o) =>
      o.status === 'ok'
        ? o.unreadable
          ? {
              name: o.monitor,
              status: 'failed',
              reason: 'store_unreadable',
              agents: o.unreadable,
              durationMs: o.durationMs,
              observations: o.observations.length,
            }
          : { name: o.monitor, status: o.status, durationMs: o.durationMs, observations: o.observations.length }
        : o.status === 'failed'
          ? { name: o.monitor, status: o.status, reason: o.reason, detail: o.detail }
          : { name: o.monitor, status: o.status },
    ),
    textfile: r.textfile ?? null,
    alerts: r.alerts ?? null,
    heartbeat: r.heartbeat ?? null,
    ...(r.fleet ? { fleet: r.fleet } : {}),
  };
}

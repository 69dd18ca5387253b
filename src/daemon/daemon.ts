/**
 * `aipro monitor`: the long-running daemon. Schedules every registered monitor on
 * node-cron, serves /metrics /healthz /readyz, hands expiry cycles to alerting, writes
 * the textfile when configured, reloads on SIGHUP and stops gracefully on SIGTERM/SIGINT.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MONITORS, monitorList } from '../../monitors/index.js';
import type { Monitor, Observation } from '../../monitors/types.js';
import { monitorApp } from '../../exporters/prometheus/app.js';
import { heapTrimmer } from './heap-trim.js';
import { createMetrics, type AiproMetrics, initAlertCounters } from '../../exporters/prometheus/registry.js';
import type { Agent, Context } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { cronIntervalMs, scheduleFor, Scheduler } from './scheduler.js';
import { AlertLane, loadRunAlerts, type RunAlerts } from './alerts.js';
import { loadMonitorSetup } from './setup.js';
import { initRunCounters, metricsRecorder } from './record.js';
import { MonitorRunner, type RunOutcome, type Trigger } from '../../monitors/runner.js';
import { heartbeatLane } from './heartbeat.js';
import { createLogger, type LogFormat } from '../log.js';
import { writeMetricsTextfile } from './textfile.js';
import { alertHost } from '../alerts/host.js';
import { fleetHostId, LEADER_ONLY, openMonitorStore, runContext, type MonitorStore } from './fleet.js';

/** What a failed listen most likely means, by error code. */
const LISTEN_HINTS: Record<string, string> = {
  EADDRINUSE: 'is another aipro monitor running?',
  EADDRNOTAVAIL: 'that address is not on this host.',
  EACCES: 'ports below 1024 need privileges.',
};

export interface DaemonOptions {
  logFormat: LogFormat;
  /** `--listen` (overrides `monitor.listen`). */
  listen?: string;
  /** Monitors to run (default: the registry in monitors/index.ts). */
  monitors?: Partial<Record<string, Monitor>>;
  processEnv?: NodeJS.ProcessEnv;
  /** Log line sink (default stderr). */
  write?: (line: string) => void;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (default true). */
  signals?: boolean;
  /** Alerting entry point; default loads src/alerts/run.js. `null`: alerts off. */
  runAlerts?: RunAlerts | null;
}

export interface Daemon {
  /** Where /metrics is served. */
  address: { host: string; port: number };
  metrics: AiproMetrics;
  /** Resolves when the first expiry cycle is done (/readyz turns 200). */
  ready: Promise<void>;
  /** Finish running cycles, persist, close; resolves with the exit code. */
  stop(reason?: string): Promise<number>;
  /** Re-read the config (SIGHUP); false when the new one was refused. */
  reload(): boolean;
  /** Resolves with the exit code once stopped. */
  done: Promise<number>;
}

const NO_CREDENTIALS_MSG =
  'no credentials found; add one with `aipro models auth add-key --provider anthropic` (or `aipro models auth ' +
  'setup-token --provider anthropic`, or run `aipro onboard`); the monitor keeps running and picks it up on the ' +
  'next cycle';

/** Why /readyz is 503 after the first cycle: an auth store that cannot be read (null: ready). */
export function unreadableReason(metrics: Pick<AiproMetrics, 'unreadableStores'>): string | null {
  if (metrics.unreadableStores.size === 0) return null;
  const what = [...metrics.unreadableStores].map(([agent, why]) => `agent ${agent} (${why})`).join('; ');
  return `auth store unreadable: ${what}; run \`aipro doctor\``;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Start the daemon. Throws a CliError (naming the key) when it must refuse to start. */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = createLogger({ format: opts.logFormat, ...(opts.write ? { write: opts.write } : {}) });
  const monitors = monitorList(opts.monitors ?? MONITORS);
  const setup = loadMonitorSetup(monitors, opts.listen, opts.processEnv);
  if (!setup.ok) {
    log.error('monitor.refused', { key: setup.key, detail: setup.detail });
    throw new CliError(setup.message, setup.key === '--listen' ? EXIT.USAGE : EXIT.FAIL);
  }
  let ctx: Context = setup.ctx;
  const metrics = createMetrics({
    statusMode: ctx.config.monitor.metrics.statusMode,
    profileLabel: ctx.config.monitor.labels.profile,
    buildInfo: { host: alertHost(ctx.config) },
  });
  initAlertCounters(metrics, Object.keys(ctx.config.alerts.channels));
  const runAlerts = opts.runAlerts !== undefined ? opts.runAlerts : await loadRunAlerts(log);
  const expiry = monitors.find((m) => m.name === 'expiry');
  let interval = expiry ? cronIntervalMs(scheduleFor(ctx.config, expiry)) : 60_000;
  const lane = new AlertLane({ log, metrics, run: runAlerts, cycleIntervalMs: () => interval });
  const host = fleetHostId(ctx.env);
  let fleet: MonitorStore;
  try {
    fleet = await openMonitorStore(ctx, {
      leaderRetryMs: interval,
      onLeaderChange: (leads) => {
        metrics.fleetLeader.set({ host }, leads ? 1 : 0);
        log.info(leads ? 'fleet.leading' : 'fleet.following', {
          host,
          msg: leads
            ? 'this host runs the refresh, validity and alert monitors for the fleet'
            : 'another host leads; this one exports metrics only',
        });
      },
    });
  } catch (err) {
    const detail = (err as Error).message;
    log.error('monitor.refused', { key: 'store.backend', detail });
    throw new CliError(`aipro monitor cannot open the fleet store: ${detail}`, EXIT.FAIL);
  }
  if (fleet.leader) metrics.fleetLeader.set({ host }, 0);
  /** Whether this host leads right now, without asking the database (files: always). */
  const leading = () => !fleet.leader || fleet.leader.isLeader();
  let agents: Agent[] = await fleet.agents(ctx);
  let firstCycle = false;
  let stopping = false;
  const heartbeat = heartbeatLane(() => ctx.config.monitor.heartbeat, {
    env: () => ctx.env,
    log,
    counter: metrics.heartbeatTotal,
  });

  // One trimmer for scrapes and runs: both leave a large heap behind at 10,000 profiles.
  const trimHeap = heapTrimmer();
  const runner = new MonitorRunner({
    recorder: metricsRecorder(metrics),
    log,
    context: runContext(() => ({ ctx, agents }), log, fleet),
    onResult: async (monitor, observations: Observation[], at) => {
      if (monitor.name !== 'expiry') {
        // Only the leader alerts: a follower's observations would only pile up.
        if (leading()) lane.addExtra(observations);
        return;
      }
      // Asked anew each cycle, so a dead leader is replaced by the next expiry cycle of another host.
      if (await fleet.leads()) {
        const f = fleet.alertFleet();
        lane.submit({
          config: ctx.config,
          env: ctx.env,
          credentials: observations,
          now: at,
          ...(f ? { fleet: f } : {}),
        });
      }
      if (ctx.config.monitor.textfile.path) await writeMetricsTextfile(metrics, ctx.config.monitor.textfile.path, log);
    },
    onOutcome: (outcome) => {
      heartbeat.after(outcome);
      trimHeap();
    },
  });
  initRunCounters(
    metrics,
    monitors.map((m) => m.name),
  );

  const server = createServer(
    monitorApp({
      source: metrics,
      afterScrape: trimHeap,
      notReady: () => {
        if (!firstCycle) return 'the first expiry cycle is still running';
        const away = fleet.unavailable();
        return away ? `fleet store unavailable: ${away}; run \`aipro doctor\`` : unreadableReason(metrics);
      },
    }),
  );
  let addr: AddressInfo;
  try {
    addr = await listen(server, setup.listen.host, setup.listen.port);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    await fleet.close();
    const key = opts.listen !== undefined ? '--listen' : 'monitor.listen';
    log.error('monitor.refused', { key, detail: `cannot listen on ${setup.listen.text} (${e.code ?? e.message})` });
    throw new CliError(
      `${key}: cannot listen on ${setup.listen.text} (${e.code ?? e.message}); ${LISTEN_HINTS[e.code ?? ''] ?? ''} ` +
        `Pick another address with \`aipro config set monitor.listen 127.0.0.1:PORT\` or --listen.`,
    );
  }
  const address = { host: addr.address, port: addr.port };
  log.info('monitor.listening', {
    address: `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
    paths: '/metrics /healthz /readyz',
    config: ctx.configPath,
    monitors: monitors.map((m) => m.name).join(','),
  });

  /** Run one monitor on the current agent list; the leader's monitors only while this host leads. */
  const run = async (m: Monitor, trigger: Trigger): Promise<RunOutcome | null> => {
    if (fleet.leader && LEADER_ONLY.has(m.name) && !(await fleet.leads())) return null;
    agents = await fleet.agents(ctx);
    return runner.run(m, trigger);
  };
  const scheduler = new Scheduler(monitors, (m) => void (stopping ? undefined : run(m, 'schedule')), log);
  scheduler.apply(ctx.config);

  // First cycle now (not at the next cron minute): expiry first so /readyz turns 200 fast,
  // then the local checks. Validity is left to its schedule: the last probe results are in the store.
  const ready = (async () => {
    if (expiry) {
      const res = await run(expiry, 'startup');
      // An unreadable store is not "no credentials": the runner already logged it as an error.
      if (
        res?.status === 'ok' &&
        !res.unreadable &&
        !res.observations.some((o) => o.kind === 'credential' && o.type !== 'none')
      )
        log.warn('credentials.none', { msg: NO_CREDENTIALS_MSG });
    }
    firstCycle = true;
    log.info('monitor.ready', {});
    for (const m of monitors) if (m.name === 'store' || m.name === 'refresh' || !expiry) void run(m, 'startup');
  })();

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let stopPromise: Promise<number> | null = null;

  const onUnhandled = (reason: unknown) =>
    log.error('monitor.unhandled_rejection', { error: (reason as Error)?.message ?? String(reason) });
  process.on('unhandledRejection', onUnhandled);

  const stop = (reason = 'stop'): Promise<number> => {
    if (stopPromise) return stopPromise;
    stopping = true;
    stopPromise = (async () => {
      log.info('monitor.stopping', { reason, msg: 'finishing running cycles' });
      await scheduler.stop();
      await ready;
      await runner.idle();
      await Promise.race([lane.idle(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      await heartbeat.idle(5_000);
      await fleet.close();
      if (ctx.config.monitor.textfile.path) await writeMetricsTextfile(metrics, ctx.config.monitor.textfile.path, log);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      process.off('unhandledRejection', onUnhandled);
      removeSignals();
      log.info('monitor.stopped', { reason });
      resolveDone(EXIT.OK);
      return EXIT.OK;
    })();
    return stopPromise;
  };

  const reload = (): boolean => {
    log.info('config.reload', { path: ctx.configPath });
    const next = loadMonitorSetup(monitors, opts.listen, opts.processEnv);
    if (!next.ok) {
      log.error('config.reload_refused', { key: next.key, detail: next.detail, msg: 'keeping the previous config' });
      return false;
    }
    if (opts.listen === undefined && next.listen.text !== setup.listen.text) {
      log.warn('config.reload_partial', {
        key: 'monitor.listen',
        msg: 'a new listen address needs a restart of aipro monitor',
      });
    }
    if (JSON.stringify(next.ctx.config.store) !== JSON.stringify(ctx.config.store))
      log.warn('config.reload_partial', { key: 'store', msg: 'a new store backend needs a restart of aipro monitor' });
    ctx = next.ctx;
    if (expiry) interval = cronIntervalMs(scheduleFor(ctx.config, expiry));
    scheduler.apply(ctx.config);
    log.info('config.reloaded', {
      schedules: Object.entries(scheduler.schedules())
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    });
    if (expiry && !stopping) void run(expiry, 'reload');
    return true;
  };

  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', () => (stopping ? force('SIGTERM') : void stop('SIGTERM'))],
    ['SIGINT', () => (stopping ? force('SIGINT') : void stop('SIGINT'))],
    ['SIGHUP', () => void reload()],
  ];
  const force = (signal: string) => {
    log.warn('monitor.force_exit', { signal, msg: 'second signal: aborting running monitors' });
    runner.abort();
    resolveDone(EXIT.FAIL);
  };
  const removeSignals = () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
  if (opts.signals !== false) for (const [s, h] of handlers) process.on(s, h);

  return { address, metrics, ready, stop, reload, done };
}

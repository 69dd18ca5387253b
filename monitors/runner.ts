/**
 * Running one monitor once: never overlapping itself (a tick that finds it still running
 * is skipped and logged), timed, failures named by a bounded reason. A monitor that throws
 * is logged and reported; it never stops the others. The runner knows no exporter and no
 * alert: it returns outcomes and tells a `RunRecorder` (the daemon's metrics) what happened.
 */
import { STORE_READ_FAILURES } from '../src/observation.js';
import type { Monitor, MonitorContext, MonitorLogger, Observation } from './types.js';

/** Why a run did not count as a success (bounded: these are metric label values). */
export const MONITOR_ERROR_REASONS = ['exception', 'timeout', 'overlap', 'store_unreadable'] as const;
export type MonitorErrorReason = (typeof MONITOR_ERROR_REASONS)[number];

/**
 * What the runner reports while it runs, in order: started → observed (may throw: the run
 * then fails with `exception`) → succeeded or error. The daemon turns these into metrics.
 */
export interface RunRecorder {
  started(monitor: string, at: number): void;
  observed(monitor: string, observations: Observation[], at: number): void;
  durationMs(monitor: string, ms: number): void;
  succeeded(monitor: string, end: number): void;
  error(monitor: string, reason: MonitorErrorReason): void;
}

export type Trigger = 'schedule' | 'startup' | 'once' | 'reload';

export type RunOutcome =
  | {
      status: 'ok';
      monitor: string;
      observations: Observation[];
      durationMs: number;
      at: number;
      /** Agents whose auth store could not be read: the run judged nothing there and is no success. */
      unreadable?: string[];
    }
  | { status: 'failed'; monitor: string; reason: MonitorErrorReason; detail: string; durationMs: number; at: number }
  | { status: 'skipped'; monitor: string };

export interface RunnerOptions {
  recorder: RunRecorder;
  log: MonitorLogger;
  /** The context of one run (fresh agent list, current config), bound to `signal`. */
  context: (signal: AbortSignal) => MonitorContext;
  now?: () => number;
  /** Called after each successful run, while it still counts as running (alerts hand-off, textfile). */
  onResult?: (monitor: Monitor, observations: Observation[], at: number) => void | Promise<void>;
  /** Called with every outcome, failed and skipped ones included (the heartbeat reports them). Must not throw. */
  onOutcome?: (outcome: RunOutcome) => void;
}

/** Counts by status/result for the one-line `monitor.done` log. Pure. */
export function summarize(observations: readonly Observation[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string) => (out[k] = (out[k] ?? 0) + 1);
  for (const o of observations) {
    if (o.kind === 'credential') add(o.status);
    else if (o.kind === 'probe') add(o.ok ? 'probe_ok' : `probe_${o.reason}`);
    else if (o.kind === 'refresh') add(`refresh_${o.result}`);
    else add(o.ok ? 'store_ok' : `store_${o.reason}`);
  }
  return out;
}

/** Agents with an unreadable auth store in one run's observations. Pure. */
export function unreadableAgents(observations: readonly Observation[]): string[] {
  const out = new Set<string>();
  for (const o of observations) if (o.kind === 'store' && !o.ok && STORE_READ_FAILURES.has(o.reason)) out.add(o.agent);
  return [...out];
}

function classify(err: unknown): MonitorErrorReason {
  const name = (err as Error | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'exception';
}

/** Runs monitors for the daemon and for `--once`. */
export class MonitorRunner {
  private readonly running = new Map<string, { since: number; done: Promise<RunOutcome> }>();
  private readonly controller = new AbortController();
  private readonly now: () => number;

  constructor(private readonly opts: RunnerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Is `name` running right now? */
  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Run `monitor` unless it is still running from an earlier tick. */
  run(monitor: Monitor, trigger: Trigger): Promise<RunOutcome> {
    const busy = this.running.get(monitor.name);
    if (busy) {
      this.opts.recorder.error(monitor.name, 'overlap');
      this.opts.log.warn('monitor.skipped', {
        monitor: monitor.name,
        reason: 'overlap',
        running_for_ms: this.now() - busy.since,
        msg: 'previous run still in progress; skipping this tick',
      });
      const skipped: RunOutcome = { status: 'skipped', monitor: monitor.name };
      this.opts.onOutcome?.(skipped);
      return Promise.resolve(skipped);
    }
    const since = this.now();
    const done = this.execute(monitor, trigger, since).finally(() => this.running.delete(monitor.name));
    this.running.set(monitor.name, { since, done });
    return done.then((o) => {
      this.opts.onOutcome?.(o);
      return o;
    });
  }

  private async execute(monitor: Monitor, trigger: Trigger, at: number): Promise<RunOutcome> {
    const { recorder, log } = this.opts;
    const name = monitor.name;
    recorder.started(name, at);
    if (trigger !== 'schedule') log.info('monitor.start', { monitor: name, trigger });
    let observations: Observation[];
    try {
      observations = await monitor.run(this.opts.context(this.controller.signal));
    } catch (err) {
      const durationMs = this.now() - at;
      const reason = classify(err);
      recorder.durationMs(name, durationMs);
      recorder.error(name, reason);
      const detail = (err as Error)?.message ?? String(err);
      log.error('monitor.failed', { monitor: name, reason, duration_ms: durationMs, error: detail });
      return { status: 'failed', monitor: name, reason, detail, durationMs, at };
    }
    const end = this.now();
    const durationMs = end - at;
    try {
      recorder.observed(name, observations, at);
    } catch (err) {
      // A bug in the recorder (the metrics mapping) is reported like a failed run, never thrown.
      recorder.error(name, 'exception');
      log.error('monitor.failed', {
        monitor: name,
        reason: 'exception',
        duration_ms: durationMs,
        error: (err as Error)?.message ?? String(err),
      });
      return { status: 'failed', monitor: name, reason: 'exception', detail: String(err), durationMs, at };
    }
    recorder.durationMs(name, durationMs);
    const unreadable = unreadableAgents(observations);
    if (unreadable.length === 0) {
      recorder.succeeded(name, end);
      log.info('monitor.done', {
        monitor: name,
        trigger,
        duration_ms: durationMs,
        observations: observations.length,
        ...summarize(observations),
      });
    } else {
      // Fail closed: a run that could not read a store must never look like a good one.
      recorder.error(name, 'store_unreadable');
      log.error('monitor.store_unreadable', {
        monitor: name,
        trigger,
        duration_ms: durationMs,
        agents: unreadable.join(','),
        msg: 'cannot read the auth store; its credentials are unknown. Run `aipro doctor`',
        ...summarize(observations),
      });
    }
    try {
      // After the success gauges, so a textfile written here carries this run's timestamps.
      await this.opts.onResult?.(monitor, observations, at);
    } catch (err) {
      log.error('monitor.hook_failed', { monitor: name, error: (err as Error)?.message ?? String(err) });
    }
    return { status: 'ok', monitor: name, observations, durationMs, at, ...(unreadable.length ? { unreadable } : {}) };
  }

  /** Resolve when no monitor is running (graceful shutdown waits for this). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Ask running monitors to stop early (second signal). */
  abort(): void {
    this.controller.abort();
  }
}

/**
 * node-cron wiring: which monitor runs when. Each registered monitor gets one task on
 * `monitor.schedules.<name>` (or its default). Overlap is handled by the runner (a tick
 * that finds the monitor still running is skipped and logged), not by node-cron, so the
 * skip shows up in our logs and metrics.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Monitor, MonitorLogger } from '../../monitors/types.js';
import { cronProblem } from '../config/runnable.js';
import { MONITOR_NAMES, type AiproConfig } from '../config/schema.js';

/** The cron expression `monitor` runs on under `config`. */
export function scheduleFor(config: AiproConfig, monitor: Monitor): string {
  const s = (config.monitor.schedules as Record<string, string | undefined>)[monitor.name];
  return typeof s === 'string' && s.trim() !== '' ? s : monitor.defaultSchedule;
}

export type ScheduleCheck = { ok: true } | { ok: false; key: string; detail: string };

/**
 * Check the schedules before anything starts: unknown monitor names and expressions
 * node-cron cannot run are refused, naming the key. Pure but for node-cron's parser.
 */
export function validateSchedules(config: AiproConfig, monitors: readonly Monitor[]): ScheduleCheck {
  for (const name of Object.keys(config.monitor.schedules ?? {})) {
    if (!(MONITOR_NAMES as string[]).includes(name)) {
      return {
        ok: false,
        key: `monitor.schedules.${name}`,
        detail: `unknown monitor "${name}" (known: ${MONITOR_NAMES.join(', ')})`,
      };
    }
  }
  for (const m of monitors) {
    const why = cronProblem(scheduleFor(config, m));
    if (why) return { ok: false, key: `monitor.schedules.${m.name}`, detail: why };
  }
  return { ok: true };
}

/** Time between the next two runs of `expr` (the alert cycle interval). */
export function cronIntervalMs(expr: string): number {
  const task = cron.createTask(expr, () => undefined);
  try {
    const [a, b] = task.getNextRuns(2);
    return a && b ? b.getTime() - a.getTime() : 60_000;
  } finally {
    void task.destroy();
  }
}

/** One cron task per monitor; `reschedule` swaps only the tasks whose expression changed. */
export class Scheduler {
  private readonly tasks = new Map<string, { expr: string; task: ScheduledTask }>();
  private stopped = false;

  constructor(
    private readonly monitors: readonly Monitor[],
    private readonly onTick: (monitor: Monitor) => void,
    private readonly log: MonitorLogger,
  ) {}

  /** Create or update the tasks for `config`. Call `validateSchedules` first. */
  apply(config: AiproConfig): void {
    if (this.stopped) return;
    for (const m of this.monitors) {
      const expr = scheduleFor(config, m);
      const cur = this.tasks.get(m.name);
      if (cur?.expr === expr) continue;
      if (cur) void cur.task.destroy();
      const task = cron.createTask(expr, () => this.onTick(m), {
        name: `aipro-${m.name}`,
        logger: {
          info: () => undefined,
          debug: () => undefined,
          warn: (msg: string) => this.log.warn('scheduler.warning', { monitor: m.name, msg }),
          error: (msg: string | Error) => this.log.error('scheduler.error', { monitor: m.name, msg: String(msg) }),
        },
      });
      void task.start();
      this.tasks.set(m.name, { expr, task });
      this.log.info('monitor.scheduled', { monitor: m.name, schedule: expr, changed: cur ? true : undefined });
    }
  }

  /** The expression each monitor runs on now. */
  schedules(): Record<string, string> {
    return Object.fromEntries([...this.tasks].map(([name, t]) => [name, t.expr]));
  }

  /** Stop every task: no new runs start (running ones finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.tasks.values()].map((t) => t.task.destroy()));
    this.tasks.clear();
  }
}

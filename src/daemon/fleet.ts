/**
 * The store a monitor works on, and whether this host leads. On files every host is on its
 * own: it reads its files and leads itself. On PostgreSQL every host reads the fleet's
 * credentials (and exports them), but only the holder of the fleet advisory lock refreshes,
 * probes and alerts. A database that cannot be reached turns into data: reads fail as
 * "unreadable" (the metrics keep their last good series), writes are refused, and the
 * database is tried again with back-off.
 */
import { hostname } from 'node:os';
import { alertName } from '../alerts/host.js';
import type { RunAlertsInput } from '../alerts/run.js';
import { listAgents, type Agent, type Context } from '../context.js';
import type { MonitorContext } from '../../monitors/types.js';
import type { FleetLeader } from '../store/backends/postgres/leader.js';
import type { PostgresBackend } from '../store/backends/postgres.js';
import { fileBackend } from '../store/backends/file.js';
import type { StoreBackend } from '../store/backends/types.js';

/** Monitors that change the fleet's data or talk to providers for it: the leader's alone. */
export const LEADER_ONLY: ReadonlySet<string> = new Set(['refresh', 'validity']);

export interface MonitorStore {
  readonly backend: StoreBackend;
  /** `AIPRO_HOST_ID`, else the system host name: the `host` of `aipro_fleet_leader`. */
  readonly host: string;
  /**
   * The agents to look at this cycle under `ctx` (the current config: SIGHUP may change the
   * default agent); on PostgreSQL the last known list while it is unreachable.
   */
  agents(ctx: Context): Promise<Agent[]>;
  /** Null on files (every host leads itself). */
  readonly leader: FleetLeader | null;
  /** Confirm or take leadership now; true on files. */
  leads(): Promise<boolean>;
  /** Why the fleet store cannot be used right now (for /readyz), or null. */
  unavailable(): string | null;
  /** Alert state and name of the fleet; undefined on files (the state file, the host name). */
  alertFleet(): RunAlertsInput['fleet'] | undefined;
  close(): Promise<void>;
}

/**
 * What each monitor run gets, read when the run starts: the current config and agents (the
 * daemon swaps both on SIGHUP), on the monitor store's backend.
 */
export function runContext(
  current: () => { ctx: Context; agents: Agent[] },
  log: MonitorContext['log'],
  store: MonitorStore,
): (signal: AbortSignal) => MonitorContext {
  return (signal) => {
    const { ctx, agents } = current();
    return { config: ctx.config, env: ctx.env, now: ctx.now, agents, log, signal, store: store.backend };
  };
}

export function fleetHostId(env: Record<string, string | undefined>): string {
  return env.AIPRO_HOST_ID?.trim() || hostname();
}

export interface OpenOptions {
  /** How often a follower tries to take the lead (one expiry cycle). */
  leaderRetryMs: number;
  onLeaderChange?: (leads: boolean) => void;
  /** Back-off between attempts to reach an unreachable database (default 1 s doubling to 30 s). */
  backoff?: { minMs: number; maxMs: number };
  now?: () => number;
}

/** Open the configured store for the monitor. Throws (a message naming the setting) when it cannot start. */
export async function openMonitorStore(ctx: Context, opts: OpenOptions): Promise<MonitorStore> {
  const host = fleetHostId(ctx.env);
  if (ctx.config.store.backend !== 'postgres') {
    return {
      backend: fileBackend(ctx.env, ctx.config.agents.default),
      host,
      agents: async (now) => listAgents(now),
      leader: null,
      leads: async () => true,
      unavailable: () => null,
      alertFleet: () => undefined,
      close: async () => undefined,
    };
  }
  const { openPostgresBackend } = await import('../store/backends/postgres.js');
  const { postgresUrl } = await import('../store/backends/postgres/connect.js');
  const { fleetLeader } = await import('../store/backends/postgres/leader.js');
  const { pgAlertStateStore } = await import('./fleet-alerts.js');
  const { guardedBackend } = await import('./fleet-guard.js');
  const inner: PostgresBackend = await openPostgresBackend(ctx.config, ctx.env);
  const guard = guardedBackend(inner, { backoff: opts.backoff ?? { minMs: 1_000, maxMs: 30_000 }, now: opts.now });
  const schema = ctx.config.store.postgres.schema;
  const leader = fleetLeader({
    url: postgresUrl(ctx.config, ctx.env),
    schema,
    host,
    // Within a timer's range; the expiry cycle asks again anyway, however long its schedule.
    retryMs: Math.min(Math.max(opts.leaderRetryMs, 1_000), 60_000),
    ...(opts.onLeaderChange ? { onChange: opts.onLeaderChange } : {}),
  });
  const name = alertName(ctx.config);
  const state = pgAlertStateStore(inner.pool, schema, name);
  let known: string[] = [];
  return {
    backend: guard.backend,
    host,
    async agents(now) {
      const def = now.config.agents.default;
      try {
        known = await guard.backend.listAgents();
      } catch {
        // Unreachable: the reads below fail as data; keep looking at the agents seen last.
      }
      return [...new Set([def, ...known])].sort().map((id) => ({
        id,
        isDefault: id === def,
        storePath: inner.describe({ id, storePath: '' }),
      }));
    },
    leader,
    leads: () => boundedCheck(leader),
    unavailable: guard.unavailable,
    alertFleet: () => ({
      state,
      name,
      fix: `inspect it with: SELECT state FROM ${schema}.alert_state WHERE fleet = '${name}'`,
    }),
    async close() {
      await leader.close();
      await inner.close();
    },
  };
}

/** The leader check, but never longer than 15 s: a check that cannot finish counts as not leading. */
function boundedCheck(leader: FleetLeader): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 15_000);
    timer.unref();
  });
  return Promise.race([leader.check(), late]).finally(() => clearTimeout(timer));
}

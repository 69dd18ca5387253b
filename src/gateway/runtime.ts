/**
 * Everything a gateway request handler needs, built once per gateway (app.ts). I/O
 * (clock, refresh, logging) is injected so tests run against temp dirs and local servers.
 */
import type { GatewayMetrics } from '../../exporters/prometheus/gateway-metrics.js';
import type { AiproConfig } from '../config/schema.js';
import type { StoreBackend } from '../store/backends/types.js';
import { AGENT_ID_RE, storePath, type Env } from '../store/paths.js';
import { AgentState } from './agent-state.js';
import type { FreshnessOptions } from './file-watch.js';
import type { UsageWriter } from './usage-writer.js';
import type { Logger as MonitorLogger } from '../log.js';

/** Result of an OAuth refresh attempt (the shape of `refreshProfile` in src/oauth/refresh.ts). */
export type RefreshOutcome =
  | { ok: true; access: string; expires?: number; refreshed: boolean }
  | { ok: false; reason: string; permanent: boolean; detail: string };

/** `seenAccess`: the access token that just failed (a concurrent refresh elsewhere is then reused). */
export type Refresher = (
  agent: AgentState,
  profileId: string,
  opts: { force: boolean; seenAccess?: string },
) => Promise<RefreshOutcome>;

/** Structured log lines (event + fields); never given a secret. The same interface as the monitor's. */
export type GatewayLogger = MonitorLogger;

/** The per-gateway dependencies every handler uses. */
export interface Runtime {
  config: AiproConfig;
  env: Env;
  now: () => number;
  log: GatewayLogger;
  usage: UsageWriter;
  metrics: GatewayMetrics;
  refresh: Refresher;
  /** Where auth stores are read and written (this host's files, or the fleet's PostgreSQL). */
  store: StoreBackend;
  /** The agent named by `X-Aipro-Agent` (default agent when absent); null for a bad id. */
  agent(id: string | undefined): AgentState | null;
}

/** Resolves agent ids to their AgentState; `all()` lists the ones served so far. */
export type AgentResolver = ((id: string | undefined) => AgentState | null) & { all(): Iterable<AgentState> };

/** A cache of AgentState per agent id (their caches live as long as the gateway). */
export function agentResolver(
  config: AiproConfig,
  env: Env,
  backend: StoreBackend,
  freshness?: FreshnessOptions,
): AgentResolver {
  const agents = new Map<string, AgentState>();
  const resolve = (raw: string | undefined) => {
    const id = raw && raw.trim() !== '' ? raw.trim() : config.agents.default;
    if (!AGENT_ID_RE.test(id)) return null;
    let a = agents.get(id);
    if (!a) {
      a = new AgentState(id, storePath(id, env, id === config.agents.default), env, backend, freshness);
      agents.set(id, a);
    }
    return a;
  };
  return Object.assign(resolve, { all: () => agents.values() });
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: GatewayLogger = { info() {}, warn() {}, error() {} };

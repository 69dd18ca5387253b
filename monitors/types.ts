/**
 * The Monitor interface. One file per monitor in this folder, registered in `index.ts`.
 * A monitor looks at the world once and returns observations; it never sends alerts
 * or renders metrics itself (the daemon hands the runner's outcomes to both).
 */
import type { AiproConfig, MonitorName } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import type { Observation } from '../src/observation.js';
import type { StoreBackend } from '../src/store/backends/types.js';

export type {
  CredentialObservation,
  Observation,
  ProbeObservation,
  RefreshObservation,
  StoreObservation,
} from '../src/observation.js';
/** The one logger's interface, under the name monitor code has always used. */
export type MonitorLogger = Logger;

/** What a monitor run gets. I/O is injected so tests use temp dirs and local servers. */
export interface MonitorContext {
  config: AiproConfig;
  env: Record<string, string>;
  now: () => number;
  /** Agents to look at (id + store path). */
  agents: { id: string; storePath: string; isDefault: boolean }[];
  log: Logger;
  signal?: AbortSignal;
  /**
   * Where the agents' stores live (default: each agent's file at `storePath`). On the
   * PostgreSQL backend `storePath` is only the store's name for messages.
   */
  store?: StoreBackend;
}

/** A monitor as its file declares it: the registry adds the default schedule. */
export interface MonitorImpl {
  name: MonitorName;
  run(ctx: MonitorContext): Promise<Observation[]>;
}

export interface Monitor {
  name: MonitorName;
  /** Cron expression used when `monitor.schedules.<name>` is not set. */
  defaultSchedule: string;
  run(ctx: MonitorContext): Promise<Observation[]>;
}

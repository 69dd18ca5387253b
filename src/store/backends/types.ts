/**
 * The one interface over where auth stores live: a file per agent on this host, or
 * PostgreSQL shared by a fleet of hosts. The core (status, order, report) and the pure
 * mutations never know which one they read; only the edges pick a backend.
 */
import type { StoreRead } from '../read.js';
import type { Store } from '../schema.js';

export type BackendKind = 'file' | 'postgres';

/** How messages name an agent's store in the fleet database (never a URL, so never a password). */
export function postgresStoreName(schema: string, agentId: string): string {
  return `postgres:${schema}/${agentId}`;
}

/** An agent as the backends need it: the id, and the file path the file backend uses. */
export interface AgentRef {
  id: string;
  storePath: string;
}

/**
 * A pure change: it gets a private copy of the store read under the lock (and whether a
 * store existed) and returns the new store, or `null` for "write nothing", plus a result.
 */
export type StoreChange<R> = (store: Store, exists: boolean) => { store: Store | null; result: R };

export interface StoreBackend {
  readonly kind: BackendKind;
  /**
   * Where an agent's store lives, for messages: a path, or `postgres:<schema>/<agent>` (never a URL with a password).
   */
  describe(agent: AgentRef): string;
  /** Read one agent's store. Expected failures are data, exactly as the file reader returns them. */
  read(agent: AgentRef): Promise<StoreRead>;
  /**
   * Apply `change` under the agent's lock: re-read, apply, write durably, release. A store
   * that does not read is never overwritten (the error is thrown, the store left as it was).
   */
  update<R>(agent: AgentRef, change: StoreChange<R>): Promise<R>;
  /** Ids of the agents this backend holds a store for (sorted). */
  listAgents(): Promise<string[]>;
  /**
   * Run `fn` while no other process (on this host, or in the fleet) refreshes the same
   * agent+profile. The lock dies with the holder: a killed process never blocks a refresh.
   */
  withRefreshLock<T>(agent: AgentRef, profileId: string, fn: () => Promise<T>): Promise<T>;
  /** Release connections (a no-op for files). */
  close(): Promise<void>;
}

/**
 * The settings the backends read (a structural slice of the config, declared here so the
 * store never imports the config module).
 */
export interface BackendConfig {
  agents: { default: string };
  store: {
    backend: BackendKind;
    postgres: {
      url: string | { source: 'env' | 'file'; id: string } | null;
      schema: string;
      encryption: 'aes-256-gcm' | 'none';
      staleAfter: string;
    };
  };
}

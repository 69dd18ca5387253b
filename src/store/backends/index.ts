/**
 * Picking the store backend from config (`store.backend`). The PostgreSQL backend and
 * its driver load only when configured, so single hosts never pay for them.
 */
import type { Env } from '../paths.js';
import { fileBackend } from './file.js';
import { postgresStoreName, type AgentRef, type BackendConfig, type StoreBackend } from './types.js';

export type { AgentRef, StoreBackend, StoreChange } from './types.js';

/** Where the configured backend keeps an agent's store, for messages (the backend's own `describe`). */
export function storeLocation(config: BackendConfig, agent: AgentRef): string {
  return config.store.backend === 'postgres'
    ? postgresStoreName(config.store.postgres.schema, agent.id)
    : agent.storePath;
}

/** Open the configured backend. Throws a message naming the key and the fix when it cannot start. */
export async function openStoreBackend(config: BackendConfig, env: Env): Promise<StoreBackend> {
  if (config.store.backend === 'postgres') return (await import('./postgres.js')).openPostgresBackend(config, env);
  return fileBackend(env, config.agents.default);
}

/**
 * Why `what` must not run on this config, or null. Commands that still read and write the
 * store files directly refuse on the postgres backend rather than quietly serving (or
 * changing) this host's files while the fleet uses the database.
 */
export function fileStoreOnly(config: BackendConfig, what: string): string | null {
  if (config.store.backend === 'file') return null;
  return (
    `${what} does not use the postgres store yet (store.backend is postgres), so it would work on this host's files ` +
    `instead of the fleet's; run it with AIPRO_STORE_BACKEND=file to work on the files on purpose (see docs/fleet.md)`
  );
}

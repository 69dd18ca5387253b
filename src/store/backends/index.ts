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

/**
 * Picking the store backend from config (`store.backend`). The PostgreSQL backend and
 * its driver load only when configured, so single hosts never pay for them.
 */
import type { AiproConfig } from '../../config/schema.js';
import type { Env } from '../paths.js';
import { fileBackend } from './file.js';
import type { StoreBackend } from './types.js';

export type { AgentRef, StoreBackend, StoreChange } from './types.js';

/** Open the configured backend. Throws a message naming the key and the fix when it cannot start. */
export async function openStoreBackend(config: AiproConfig, env: Env): Promise<StoreBackend> {
  if (config.store.backend === 'postgres') return (await import('./postgres.js')).openPostgresBackend(config, env);
  return fileBackend(env, config.agents.default);
}

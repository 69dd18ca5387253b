/**
 * OAuth refresh for the gateway: `refreshProfile` (src/oauth/refresh.ts) under the store
 * backend's per-profile refresh lock (a lock file, or a fleet-wide PostgreSQL advisory lock),
 * so gateways, monitors and CLIs on any host never send a refresh token twice.
 */
import type { AiproConfig } from '../config/schema.js';
import { refreshProfile } from '../oauth/refresh.js';
import type { StoreBackend } from '../store/backends/types.js';
import type { Env } from '../store/paths.js';
import type { Refresher } from './runtime.js';

/** The refresher used unless a test injects another. */
export function defaultRefresher(config: AiproConfig, env: Env, now: () => number, backend: StoreBackend): Refresher {
  const plainEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) plainEnv[k] = v;
  return (agent, profileId, opts) =>
    refreshProfile({
      storePath: agent.storePath,
      profileId,
      config,
      env: plainEnv,
      now,
      force: opts.force,
      store: { backend, agentId: agent.id },
      ...(opts.seenAccess ? { seenAccess: opts.seenAccess } : {}),
    });
}

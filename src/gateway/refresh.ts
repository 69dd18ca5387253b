/**
 * OAuth refresh for the gateway: `refreshProfile` (src/oauth/refresh.ts) under the
 * per-profile lock, so a gateway, the monitor and a CLI never send a refresh token twice.
 */
import type { AiproConfig } from '../config/schema.js';
import { refreshProfile } from '../oauth/refresh.js';
import type { Env } from '../store/paths.js';
import type { Refresher } from './runtime.js';

/** The refresher used unless a test injects another. */
export function defaultRefresher(config: AiproConfig, env: Env, now: () => number): Refresher {
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
      ...(opts.seenAccess ? { seenAccess: opts.seenAccess } : {}),
    });
}

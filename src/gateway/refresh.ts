/**
 * OAuth refresh for the gateway: `refreshProfile` (src/oauth/refresh.ts) under the store
 * backend's per-profile refresh lock (a lock file, or a fleet-wide PostgreSQL advisory lock),
 * so gateways, monitors and CLIs on any host never send a refresh token twice.
 *
 * Concurrent requests that need the same refresh share one attempt: fifty requests on an
 * expiring token make one lock wait, not fifty (on the fleet store each waiter would hold a
 * database connection, and the holder could not get one to save the new tokens).
 */
import type { AiproConfig } from '../config/schema.js';
import { refreshProfile } from '../oauth/refresh.js';
import type { StoreBackend } from '../store/backends/types.js';
import type { Env } from '../store/paths.js';
import type { RefreshOutcome, Refresher } from './runtime.js';

/** The refresher used unless a test injects another. */
export function defaultRefresher(config: AiproConfig, env: Env, now: () => number, backend: StoreBackend): Refresher {
  const plainEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) plainEnv[k] = v;
  const inflight = new Map<string, Promise<RefreshOutcome>>();
  return (agent, profileId, opts) => {
    // A forced refresh after a 401 joins only one started for the same failed token.
    const key = JSON.stringify([agent.id, profileId, opts.force ? (opts.seenAccess ?? true) : false]);
    const running = inflight.get(key);
    if (running) return running;
    const attempt = refreshProfile({
      storePath: agent.storePath,
      profileId,
      config,
      env: plainEnv,
      now,
      force: opts.force,
      store: { backend, agentId: agent.id },
      ...(opts.seenAccess ? { seenAccess: opts.seenAccess } : {}),
    })
      // The store itself failing (fleet database unreachable, lock wait too long) is a transient
      // refresh failure: the request goes on with the current token while it is valid.
      .catch(
        (err: Error): RefreshOutcome => ({
          ok: false,
          reason: 'store',
          permanent: false,
          detail: `${err.message}; run \`aipro doctor\``,
        }),
      )
      .finally(() => inflight.delete(key));
    inflight.set(key, attempt);
    return attempt;
  };
}

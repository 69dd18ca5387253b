/**
 * The monitor's face of the fleet store while PostgreSQL may be away. A failed database call
 * marks the store unavailable (with the reason, for /readyz) and opens a back-off window in
 * which no call is tried: reads fail at once as "unreadable" (so every agent's series keep
 * their last good values and `aipro_auth_store_ok` is 0), writes and refresh locks are
 * refused, so nothing is written. The first call after the window tries again; a success
 * closes it. Bad data in a reachable database is not an outage and opens no window.
 */
import type { StoreRead } from '../store/read.js';
import type { PostgresBackend } from '../store/backends/postgres.js';
import { describePgError, StoreUnavailableError } from '../store/backends/postgres/connect.js';
import type { StoreBackend } from '../store/backends/types.js';

export interface GuardOptions {
  backoff: { minMs: number; maxMs: number };
  now?: (() => number) | undefined;
}

export function guardedBackend(
  inner: PostgresBackend,
  opts: GuardOptions,
): { backend: StoreBackend; unavailable: () => string | null } {
  const now = opts.now ?? Date.now;
  let reason: string | null = null;
  let delay = opts.backoff.minMs;
  let retryAt = 0;

  const fail = (err: unknown): string => {
    // A connection error (also as the cause of a wrapped one) is the database away; the schema
    // check and other refusals say what to run themselves.
    const cause = (err as { cause?: unknown }).cause ?? err;
    reason =
      err instanceof StoreUnavailableError && !(cause instanceof Error && isConnectionError(cause))
        ? err.message
        : `PostgreSQL is unreachable (${describePgError(cause)}); the last good series are kept and nothing is written`;
    retryAt = now() + delay;
    delay = Math.min(delay * 2, opts.backoff.maxMs);
    return reason;
  };
  const ok = () => {
    reason = null;
    delay = opts.backoff.minMs;
  };
  /** Throws the standing reason while the back-off window is open. */
  const gate = () => {
    if (reason !== null && now() < retryAt) throw new StoreUnavailableError(reason);
  };
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    gate();
    try {
      const out = await fn();
      ok();
      return out;
    } catch (err) {
      // A refusal of the change itself, or a store that does not read, is not an outage.
      if (err instanceof Error && (err.name === 'StoreUnavailableError' || isConnectionError(err))) fail(err);
      throw err;
    }
  }

  const backend: StoreBackend = {
    kind: 'postgres',
    describe: inner.describe,
    async read(agent): Promise<StoreRead> {
      try {
        return await call(() => inner.fetch(agent));
      } catch (err) {
        const detail =
          err instanceof StoreUnavailableError
            ? err.message
            : err instanceof Error && isConnectionError(err) && reason
              ? reason
              : `PostgreSQL: ${describePgError(err)}`;
        return {
          ok: false,
          path: inner.describe(agent),
          reason: 'unreadable',
          detail: `${detail}; run \`aipro doctor\``,
        };
      }
    },
    update: (agent, change) => call(() => inner.update(agent, change)),
    listAgents: () => call(() => inner.listAgents()),
    withRefreshLock: async (agent, profileId, fn) => {
      gate();
      return inner.withRefreshLock(agent, profileId, fn);
    },
    close: () => inner.close(),
  };
  return { backend, unavailable: () => reason };
}

/** Errors of the connection (refused, reset, timed out, server shutting down), not of the data. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: string }).code ?? '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EPIPE|57P0[123]|08\w{3})$/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(err.message)
  );
}

/**
 * A host's view of the fleet store: reads are served from memory while a LISTEN connection
 * guarantees nothing changed (every update NOTIFYs its agent), so a request path never waits
 * on the database when its cache is fresh, and a cooldown written by one host reaches the
 * others as fast as the notification. When PostgreSQL cannot be reached, the last good read
 * is served for at most `staleAfterMs` (degraded), nothing is written, and the listener
 * reconnects with back-off; once it is back every entry is re-read.
 */
import pg from 'pg';
import type { StoreRead } from '../../read.js';
import type { PostgresBackend } from '../postgres.js';
import type { AgentRef, StoreBackend } from '../types.js';
import { describePgError, StoreUnavailableError } from './connect.js';

export interface FleetHealth {
  /** True while the listener is connected and the last database operation succeeded. */
  ok: boolean;
  /** Why not (a database error, never a secret). */
  reason?: string;
  /** When the database last answered (epoch ms), null before the first answer. */
  lastOkAt: number | null;
}

export interface CachedBackend extends StoreBackend {
  health(): FleetHealth;
  /** Resolves once the listener is connected (tests, and callers that want a warm start). */
  listening(): Promise<void>;
}

interface Entry {
  read: StoreRead;
  /** Cleared by a notification, a lost listener, or a write from this host. */
  valid: boolean;
  /** When this copy was last known to match the database. */
  verifiedAt: number;
}

export interface CacheOptions {
  url: string;
  staleAfterMs: number;
  now?: () => number;
  backoff?: { minMs: number; maxMs: number };
}

export function cachedBackend(inner: PostgresBackend, opts: CacheOptions): CachedBackend {
  const now = opts.now ?? Date.now;
  const backoff = opts.backoff ?? { minMs: 1_000, maxMs: 30_000 };
  const channel = `aipro_store_${inner.schema}`;
  const cache = new Map<string, Entry>();
  /** Bumped per agent by each notification: a read that raced one is not trusted. */
  const generation = new Map<string, number>();
  let listener: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let delay = backoff.minMs;
  let timer: NodeJS.Timeout | undefined;
  let health: FleetHealth = { ok: false, reason: 'not connected yet', lastOkAt: null };
  let ready!: () => void;
  let isReady = new Promise<void>((r) => (ready = r));

  const bump = (agent: string) => {
    generation.set(agent, (generation.get(agent) ?? 0) + 1);
    const e = cache.get(agent);
    if (e) e.valid = false;
  };
  /** The last database operation failed: until the listener is back, reads serve the cache. */
  let unreachable = false;
  const down = (err: unknown) => {
    unreachable = true;
    health = { ok: false, reason: `PostgreSQL: ${describePgError(err)}`, lastOkAt: health.lastOkAt };
  };
  const up = () => {
    unreachable = false;
    health = {
      ok: connected,
      ...(connected ? {} : { reason: 'change notifications are not connected' }),
      lastOkAt: now(),
    };
  };

  function lost(err: unknown) {
    if (listener === null) return;
    listener.removeAllListeners();
    listener.on('error', () => undefined);
    void listener.end().catch(() => undefined);
    listener = null;
    connected = false;
    // Changes made while we were not listening were missed: nothing cached is known current.
    const t = now();
    for (const [agent, e] of cache) {
      // Valid up to this moment: the listener would have told us otherwise.
      if (e.valid) e.verifiedAt = t;
      bump(agent);
    }
    down(err);
    isReady = new Promise<void>((r) => (ready = r));
    schedule();
  }

  function schedule() {
    if (closed) return;
    timer = setTimeout(() => void connect(), delay);
    timer.unref();
    delay = Math.min(delay * 2, backoff.maxMs);
  }

  async function connect() {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, application_name: 'aipro-listen' });
    c.on('error', (err) => lost(err));
    c.on('end', () => lost(new Error('connection closed')));
    c.on('notification', (m) => {
      if (m.channel === channel && m.payload) bump(m.payload);
    });
    listener = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      connected = true;
      delay = backoff.minMs;
      for (const agent of cache.keys()) bump(agent);
      up();
      ready();
    } catch (err) {
      lost(err);
    }
  }
  void connect();

  return {
    kind: 'postgres',
    describe: inner.describe,
    health: () => ({ ...health }),
    listening: () => isReady,
    async read(agent: AgentRef) {
      const e = cache.get(agent.id);
      if (e?.valid && connected) return e.read;
      // The database is unreachable: serve the last copy without waiting on a connection that may
      // hang until its timeout (the request path never pays for the outage). The listener's
      // reconnection clears this and re-reads every entry.
      if (e && unreachable && !connected && now() - e.verifiedAt <= opts.staleAfterMs) return e.read;
      const gen = generation.get(agent.id) ?? 0;
      try {
        const read = await inner.fetch(agent);
        up();
        cache.set(agent.id, { read, valid: connected && (generation.get(agent.id) ?? 0) === gen, verifiedAt: now() });
        return read;
      } catch (err) {
        down(err);
        if (e && now() - e.verifiedAt <= opts.staleAfterMs) return e.read;
        const why = e
          ? `the last copy read is older than store.postgres.staleAfter (${Math.round(opts.staleAfterMs / 1000)} s)`
          : 'nothing was read before';
        return {
          ok: false,
          path: inner.describe(agent),
          reason: 'unreadable',
          detail: `PostgreSQL is unreachable (${describePgError(err)}) and ${why}; run \`aipro doctor\``,
        };
      }
    },
    async update(agent, change) {
      try {
        const out = await inner.update(agent, change);
        up();
        return out;
      } catch (err) {
        if (err instanceof StoreUnavailableError) down(err);
        throw err;
      } finally {
        bump(agent.id);
      }
    },
    listAgents: () => inner.listAgents(),
    // Inside the lock the tokens must come from the database: another host may have rotated them
    // a moment ago and its notification may not have arrived yet.
    withRefreshLock: (agent, profileId, fn) =>
      inner.withRefreshLock(agent, profileId, () => {
        bump(agent.id);
        return fn();
      }),
    async close() {
      closed = true;
      clearTimeout(timer);
      const l = listener;
      listener = null;
      if (l) {
        l.removeAllListeners();
        l.on('error', () => undefined);
        await l.end().catch(() => undefined);
      }
      await inner.close();
    },
  };
}

/**
 * One alerting leader per fleet: the host holding a session-level advisory lock on its own
 * connection leads (runs the refresh and alert monitors, sends notifications). The lock
 * dies with the session, so a leader that crashes, is killed or loses its network is
 * replaced at the next attempt of another host (`retryMs`, one monitor cycle). Who leads
 * is visible in pg_stat_activity as application_name `aipro-leader:<host>`.
 */
import pg from 'pg';
import { describePgError } from './connect.js';

export interface FleetLeader {
  readonly host: string;
  isLeader(): boolean;
  /** Try to take (or confirm) leadership now; returns whether this host leads. */
  check(): Promise<boolean>;
  /** Why the last attempt failed, when it did (database errors, never a secret). */
  lastError(): string | undefined;
  close(): Promise<void>;
}

const lockKey = (schema: string) => `aipro.leader.${schema}`;

export function fleetLeader(opts: {
  url: string;
  schema: string;
  host: string;
  retryMs: number;
  onChange?: (leader: boolean) => void;
}): FleetLeader {
  let client: pg.Client | null = null;
  let leader = false;
  let error: string | undefined;
  let closed = false;
  let busy: Promise<boolean> | null = null;

  const set = (v: boolean) => {
    if (v !== leader) {
      leader = v;
      opts.onChange?.(v);
    }
  };
  const drop = (err: unknown) => {
    error = describePgError(err);
    const c = client;
    client = null;
    set(false);
    if (c) void endQuietly(c);
  };

  async function attempt(): Promise<boolean> {
    if (closed) return false;
    try {
      if (!client) {
        const c = new pg.Client({
          connectionString: opts.url,
          application_name: `aipro-leader:${opts.host}`.slice(0, 63),
          // A database behind a black hole must not hold a check (and the cycle waiting on it) forever.
          connectionTimeoutMillis: 10_000,
          keepAlive: true,
        });
        c.on('error', (err) => drop(err));
        c.on('end', () => drop(new Error('connection closed')));
        client = c;
        await c.connect();
      }
      // While leading, the query doubles as a liveness check of the session that holds the lock.
      const r = leader
        ? await client.query('SELECT 1')
        : await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [lockKey(opts.schema)]);
      error = undefined;
      set(leader || r.rows[0]?.got === true);
    } catch (err) {
      drop(err);
    }
    return leader;
  }

  const check = () => (busy ??= attempt().finally(() => (busy = null)));
  const timer = setInterval(() => void check(), opts.retryMs);
  timer.unref();
  void check();

  return {
    host: opts.host,
    isLeader: () => leader,
    check,
    lastError: () => error,
    async close() {
      closed = true;
      clearInterval(timer);
      await busy?.catch(() => undefined);
      const c = client;
      client = null;
      set(false);
      if (c) await endQuietly(c);
    },
  };
}

/** The host that leads now (from the holder's application_name), or null. */
export async function currentLeader(pool: pg.Pool, schema: string): Promise<string | null> {
  const r = await pool.query(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.objid = (hashtext($1)::bigint & 4294967295)::oid AND a.application_name LIKE 'aipro-leader:%'`,
    [lockKey(schema)],
  );
  const name = r.rows[0]?.application_name as string | undefined;
  return name ? name.slice('aipro-leader:'.length) : null;
}

/** Close a session connection whose errors no longer matter (the lock goes with the session). */
async function endQuietly(c: pg.Client): Promise<void> {
  c.removeAllListeners();
  c.on('error', () => undefined);
  await c.end().catch(() => undefined);
}

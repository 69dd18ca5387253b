/**
 * The fleet's alert state (episodes, probe streaks, silences, outbox) as one document in
 * `<schema>.alert_state`, keyed by the fleet's name, so a new leader continues the episodes
 * of the old one instead of sending them again. A cycle holds a session advisory lock on its
 * own connection: two hosts that both believe they lead (a leader cut off mid-cycle) take
 * turns, each reading what the other saved. Saves commit at once (the outbox is durable
 * before anything is sent); a host killed mid-cycle loses its lock with its session, and
 * what it had queued but not settled is sent by the next leader under the same idempotency key.
 */
import type pg from 'pg';
import { alertName } from '../alerts/host.js';
import { AlertStateError, alertStateFrom, type AlertStateStore } from '../alerts/state.js';
import { emptyState, type AlertState } from '../alerts/types.js';
import type { Context } from '../context.js';
import { checkout, createPool, describePgError, postgresUrl } from '../store/backends/postgres/connect.js';

export interface PgAlertStateStore extends AlertStateStore {
  /** The state as stored, without a lock (for `aipro alerts status`); `exists` false before the first cycle. */
  read(): Promise<{ state: AlertState; exists: boolean }>;
}

export function pgAlertStateStore(pool: pg.Pool, schema: string, fleet: string): PgAlertStateStore {
  const where = `postgres:${schema}/alert_state/${fleet}`;
  const lockArgs = [`aipro.alerts.${schema}`, fleet];
  const notState = () => new AlertStateError(`${where} is not an aipro alert state (version 1); nothing was sent`);
  return {
    where,
    damaged: null,
    async read() {
      const r = await pool.query(`SELECT state FROM ${schema}.alert_state WHERE fleet = $1`, [fleet]);
      if (!r.rowCount) return { state: emptyState(), exists: false };
      const state = alertStateFrom(r.rows[0].state);
      if (!state) throw notState();
      return { state, exists: true };
    },
    async update(change) {
      const c = await checkout(pool);
      try {
        await c.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', lockArgs);
        try {
          const r = await c.query(`SELECT state FROM ${schema}.alert_state WHERE fleet = $1`, [fleet]);
          const prev = r.rowCount ? alertStateFrom(r.rows[0].state) : emptyState();
          // Never overwritten: a document that is not an alert state may be someone's to recover.
          if (!prev) throw notState();
          const save = async (state: AlertState) => {
            await c.query(
              `INSERT INTO ${schema}.alert_state (fleet, state, updated_at) VALUES ($1, $2, now())
               ON CONFLICT (fleet) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
              [fleet, JSON.stringify(state)],
            );
          };
          const { state, result } = await change(prev, save);
          await save(state);
          return result;
        } finally {
          await c.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', lockArgs).catch(() => undefined);
        }
      } finally {
        c.done();
      }
    },
  };
}

/**
 * The fleet's alert state for the `aipro alerts` commands, or null on the file store. Errors
 * of the database come back as an AlertStateError naming the fix, never the URL.
 */
export async function withFleetAlertState<T>(
  ctx: Pick<Context, 'config' | 'env'>,
  fn: (store: PgAlertStateStore) => Promise<T>,
): Promise<{ result: T } | null> {
  if (ctx.config.store.backend !== 'postgres') return null;
  const pool = createPool(postgresUrl(ctx.config, ctx.env));
  const store = pgAlertStateStore(pool, ctx.config.store.postgres.schema, alertName(ctx.config));
  try {
    return { result: await fn(store) };
  } catch (err) {
    if (err instanceof AlertStateError) throw err;
    throw new AlertStateError(
      `cannot use the fleet alert state ${store.where} (PostgreSQL: ${describePgError(err)}); run \`aipro doctor\``,
    );
  } finally {
    await pool.end();
  }
}

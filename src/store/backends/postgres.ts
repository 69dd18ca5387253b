/**
 * The fleet backend: every agent's store in PostgreSQL, shared by many hosts. Reads are
 * one consistent snapshot; an update takes a transaction-scoped advisory lock per agent,
 * re-reads, applies the pure change and writes only the rows that changed, in one
 * transaction (a host that dies mid-update leaves nothing half-written). Secret fields are
 * sealed (postgres/seal.ts); the result is parsed exactly as a file would be.
 */
import type pg from 'pg';
import type { Env } from '../paths.js';
import { parseStoreText, storeForDisk, type StoreRead } from '../read.js';
import { cloneStore, emptyStore, type Store } from '../schema.js';
import { StoreUnreadableError } from '../write.js';
import {
  createPool,
  describePgError,
  inTransaction as inPoolTransaction,
  oldStoreKey,
  postgresUrl,
  storeKey,
  StoreUnavailableError,
} from './postgres/connect.js';
import { schemaState } from './postgres/migrations.js';
import { aadFor, seal, unseal, type StoreKey } from './postgres/seal.js';
import { rowsToDocument, storeToRows, type StoreRows } from './postgres/rows.js';
import { writeRows } from './postgres/write-rows.js';
import { postgresStoreName, type AgentRef, type BackendConfig, type StoreBackend } from './types.js';

export { StoreUnavailableError } from './postgres/connect.js';

export interface PostgresBackend extends StoreBackend {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Like `read`, but a database that cannot be reached throws (so a cache can tell it from bad data). */
  fetch(agent: AgentRef): Promise<StoreRead>;
}

/** How long a refresh waits for another host's refresh of the same profile before giving up. */
export const REFRESH_LOCK_TIMEOUT = '90s';

export async function openPostgresBackend(config: BackendConfig, env: Env): Promise<PostgresBackend> {
  const key = storeKey(config, env);
  // During a key rotation hosts carry the previous key too, so they read what is not re-sealed yet.
  const old = oldStoreKey(env);
  return postgresBackend(createPool(postgresUrl(config, env)), config.store.postgres.schema, key, old ? [old] : []);
}

/** Rows of one agent as stored: secrets still sealed. `exists` is false when the agent has no row. */
export async function loadRows(
  c: pg.PoolClient,
  schema: string,
  agent: string,
): Promise<{ exists: boolean; rows: StoreRows; sealed: Map<string, Record<string, string>> }> {
  const a = await c.query(`SELECT layout::text AS layout FROM ${schema}.agents WHERE agent = $1`, [agent]);
  const rows: StoreRows = {
    layout: { keys: ['version', 'profiles'], extra: {} },
    profiles: [],
    order: [],
    lastGood: [],
    usage: [],
  };
  const sealed = new Map<string, Record<string, string>>();
  if (a.rowCount === 0) return { exists: false, rows, sealed };
  rows.layout = JSON.parse(a.rows[0].layout);
  const p = await c.query(
    `SELECT profile_id, position, provider, type, expires, fields::text AS fields, secrets FROM ${schema}.profiles ` +
      `WHERE agent = $1`,
    [agent],
  );
  for (const r of p.rows) {
    sealed.set(r.profile_id, r.secrets);
    rows.profiles.push({
      profileId: r.profile_id,
      position: r.position,
      provider: r.provider,
      type: r.type,
      expires: r.expires === null ? null : Number(r.expires),
      fields: r.fields,
      secrets: {},
    });
  }
  const o = await c.query(
    `SELECT provider, position, profile_ids::text AS ids FROM ${schema}.provider_order WHERE agent = $1`,
    [agent],
  );
  rows.order = o.rows.map((r) => ({ provider: r.provider, position: r.position, ids: r.ids }));
  const g = await c.query(`SELECT provider, position, profile_id FROM ${schema}.last_good WHERE agent = $1`, [agent]);
  rows.lastGood = g.rows.map((r) => ({ provider: r.provider, position: r.position, profileId: r.profile_id }));
  const u = await c.query(
    `SELECT profile_id, position, cooldown_until, disabled_until, stats::text AS stats FROM ${schema}.usage_stats ` +
      `WHERE agent = $1`,
    [agent],
  );
  rows.usage = u.rows.map((r) => ({
    profileId: r.profile_id,
    position: r.position,
    cooldownUntil: r.cooldown_until === null ? null : Number(r.cooldown_until),
    disabledUntil: r.disabled_until === null ? null : Number(r.disabled_until),
    stats: r.stats,
  }));
  return { exists: true, rows, sealed };
}

export function postgresBackend(
  pool: pg.Pool,
  schema: string,
  key: StoreKey | null,
  oldKeys: StoreKey[] = [],
): PostgresBackend {
  const keys = [key, ...oldKeys];
  const describe = (agent: AgentRef) => postgresStoreName(schema, agent.id);
  let ready: Promise<void> | undefined;
  const ensureReady = () =>
    (ready ??= schemaState(pool, schema).then(
      ({ current, latest }) => {
        if (current < latest) {
          ready = undefined;
          const state = current === 0 ? 'does not exist yet' : `is at version ${current}, this aipro needs ${latest}`;
          throw new StoreUnavailableError(`the store schema "${schema}" ${state}: run \`aipro store migrate\``);
        }
      },
      (err) => {
        ready = undefined;
        throw err;
      },
    ));

  /** Unseal and parse loaded rows exactly as the file reader parses a file. */
  function assemble(path: string, agent: string, loaded: Awaited<ReturnType<typeof loadRows>>): StoreRead {
    if (!loaded.exists) return { ok: true, path, exists: false, store: emptyStore() };
    for (const p of loaded.rows.profiles) {
      for (const [field, env] of Object.entries(loaded.sealed.get(p.profileId) ?? {})) {
        const open = unseal(env, keys, aadFor(agent, p.profileId, field));
        if (!open.ok)
          return {
            ok: false,
            path,
            reason: 'unreadable',
            detail: `profile ${p.profileId}, field ${field}: ${open.detail}`,
          };
        p.secrets[field] = open.value;
      }
    }
    return parseStoreText(JSON.stringify(rowsToDocument(loaded.rows)), path);
  }

  async function inTransaction<T>(begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    await ensureReady();
    return inPoolTransaction(pool, begin, fn);
  }

  const fetch = (agent: AgentRef) =>
    inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) =>
      assemble(describe(agent), agent.id, await loadRows(c, schema, agent.id)),
    );

  return {
    kind: 'postgres',
    pool,
    schema,
    describe,
    fetch,
    async read(agent) {
      try {
        return await fetch(agent);
      } catch (err) {
        return {
          ok: false,
          path: describe(agent),
          reason: 'unreadable',
          detail: `PostgreSQL: ${describePgError(err)}`,
        };
      }
    },
    async update(agent, change) {
      const path = describe(agent);
      // An error thrown by the change itself (a caller's own refusal) passes through as is.
      let fromChange = false;
      try {
        return await inTransaction('BEGIN', async (c) => {
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
            `aipro.store.${schema}`,
            agent.id,
          ]);
          const loaded = await loadRows(c, schema, agent.id);
          const read = assemble(path, agent.id, loaded);
          if (!read.ok) throw new StoreUnreadableError(read);
          let out: ReturnType<typeof change>;
          try {
            // cloneStore keeps the profiles as read, so the write gives back untouched ones as they were.
            out = change(cloneStore(read.store), read.exists);
          } catch (err) {
            fromChange = true;
            throw err;
          }
          const { store, result } = out;
          if (store === null) return result;
          const sealFn = (profileId: string, field: string, plain: string) =>
            seal(plain, key, aadFor(agent.id, profileId, field));
          // As a file writer does: malformed, legacy and unreadable entries are written back as read.
          const rows = storeToRows(storeForDisk(store) as Store);
          await writeRows(c, schema, agent.id, loaded.exists ? loaded.rows : null, rows, sealFn);
          await c.query('SELECT pg_notify($1, $2)', [`aipro_store_${schema}`, agent.id]);
          return result;
        });
      } catch (err) {
        if (fromChange || err instanceof StoreUnreadableError || err instanceof StoreUnavailableError) throw err;
        throw new StoreUnavailableError(`updating ${path}: PostgreSQL: ${describePgError(err)}; nothing was written`);
      }
    },
    async listAgents() {
      try {
        await ensureReady();
        const r = await pool.query(`SELECT agent FROM ${schema}.agents ORDER BY agent`);
        return r.rows.map((x) => x.agent as string);
      } catch (err) {
        // Expected (database down, login refused): one clear error naming the next command, not a stack.
        if (err instanceof StoreUnavailableError) throw err;
        throw new StoreUnavailableError(
          `listing the agents in postgres:${schema}: PostgreSQL: ${describePgError(err)}; run \`aipro doctor\``,
          { cause: err },
        );
      }
    },
    async withRefreshLock(agent, profileId, fn) {
      let inFn = false;
      try {
        return await inTransaction('BEGIN', async (c) => {
          await c.query(`SET LOCAL lock_timeout = '${REFRESH_LOCK_TIMEOUT}'`);
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
            `aipro.refresh.${schema}`,
            `${agent.id}/${profileId}`,
          ]);
          inFn = true;
          return await fn();
        });
      } catch (err) {
        if (inFn || err instanceof StoreUnavailableError) throw err;
        throw new StoreUnavailableError(
          `taking the fleet refresh lock of ${profileId} (${describe(agent)}): PostgreSQL: ` +
            `${describePgError(err)}; nothing was refreshed`,
        );
      }
    },
    close: () => pool.end(),
  };
}

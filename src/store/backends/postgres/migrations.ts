/**
 * Versioned SQL for the fleet store, applied in one transaction and recorded in
 * `<schema>.schema_migrations`. Append new versions; never edit an applied one.
 * `{s}` is the configured schema (validated as a plain identifier by the config).
 */
import type pg from 'pg';
import { inTransaction } from './connect.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'auth stores, health, alert state',
    sql: `
CREATE TABLE {s}.agents (
  agent text PRIMARY KEY,
  layout json NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {s}.profiles (
  agent text NOT NULL REFERENCES {s}.agents(agent) ON DELETE CASCADE,
  profile_id text NOT NULL,
  position int NOT NULL,
  provider text NOT NULL,
  type text NOT NULL,
  expires bigint,
  fields json NOT NULL,
  secrets jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent, profile_id)
);
CREATE TABLE {s}.provider_order (
  agent text NOT NULL REFERENCES {s}.agents(agent) ON DELETE CASCADE,
  provider text NOT NULL,
  position int NOT NULL,
  profile_ids json NOT NULL,
  PRIMARY KEY (agent, provider)
);
CREATE TABLE {s}.last_good (
  agent text NOT NULL REFERENCES {s}.agents(agent) ON DELETE CASCADE,
  provider text NOT NULL,
  position int NOT NULL,
  profile_id text NOT NULL,
  PRIMARY KEY (agent, provider)
);
CREATE TABLE {s}.usage_stats (
  agent text NOT NULL REFERENCES {s}.agents(agent) ON DELETE CASCADE,
  profile_id text NOT NULL,
  position int NOT NULL,
  cooldown_until bigint,
  disabled_until bigint,
  stats json NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent, profile_id)
);
CREATE TABLE {s}.alert_state (
  fleet text PRIMARY KEY,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {s}.alert_outbox (
  id text PRIMARY KEY,
  channel text NOT NULL,
  notification jsonb NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** Advisory lock key that serialises migrations across hosts (arbitrary, fixed). */
const MIGRATE_LOCK = 0x41495052; // "AIPR"

export interface SchemaState {
  current: number;
  latest: number;
}

/** The applied version (0 when the schema or its migrations table does not exist yet). */
export async function schemaState(client: pg.Pool | pg.PoolClient, schema: string): Promise<SchemaState> {
  const exists = await client.query('SELECT to_regclass($1) AS t', [`${schema}.schema_migrations`]);
  if (!exists.rows[0]?.t) return { current: 0, latest: LATEST_VERSION };
  const r = await client.query(`SELECT coalesce(max(version), 0) AS v FROM ${schema}.schema_migrations`);
  return { current: Number(r.rows[0]?.v ?? 0), latest: LATEST_VERSION };
}

/** Apply every pending migration in one transaction; returns the versions applied (none when current). */
export async function migrate(pool: pg.Pool, schema: string): Promise<{ applied: Migration[]; state: SchemaState }> {
  return inTransaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version int PRIMARY KEY, name text NOT NULL, ` +
        `applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { current } = await schemaState(client, schema);
    if (current > LATEST_VERSION)
      throw new Error(
        `schema ${schema} is at version ${current}, newer than this aipro knows (${LATEST_VERSION}): upgrade aipro ` +
          `on this host`,
      );
    const pending = MIGRATIONS.filter((m) => m.version > current);
    for (const m of pending) {
      await client.query(m.sql.replaceAll('{s}', schema));
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
    }
    return { applied: pending, state: { current: Math.max(current, LATEST_VERSION), latest: LATEST_VERSION } };
  });
}

/**
 * Doctor checks of the fleet store (only when `store.backend` is postgres): the URL and
 * key are usable, PostgreSQL answers, the schema is at the version this aipro needs, and
 * every agent's credentials in the database (the same per-profile findings as for files).
 */
import type pg from 'pg';
import type { StoreKey } from '../store/backends/postgres/seal.js';
import { reportSettings } from '../config/models.js';
import { agentReport } from '../store/report.js';
import { FAILING } from '../store/status.js';
import type { DoctorContext, Finding } from './context.js';
import { profileFindings } from './stores.js';

/** Every agent in the database: readable, and its credentials judged like a file store's. */
async function storeFindings(
  ctx: DoctorContext,
  pool: pg.Pool,
  schema: string,
  key: StoreKey | null,
): Promise<Finding[]> {
  const { postgresBackend } = await import('../store/backends/postgres.js');
  // Shares the caller's pool, which the caller ends: the backend is not closed here.
  const backend = postgresBackend(pool, schema, key);
  const out: Finding[] = [];
  const ids = [...new Set([ctx.config.agents.default, ...(await backend.listAgents())])].sort();
  for (const id of ids) {
    const agent = {
      id,
      storePath: backend.describe({ id, storePath: '' }),
      isDefault: id === ctx.config.agents.default,
    };
    const read = await backend.read(agent);
    if (!read.ok) {
      out.push({
        id: 'fleet.store',
        level: 'error',
        agent: id,
        summary: `agent ${id}: ${read.path}: ${read.detail}`,
        fix: 'fix the cause named above (key, schema, database), then aipro doctor',
      });
      continue;
    }
    const report = agentReport(
      agent,
      reportSettings(ctx.config),
      ctx.env,
      { now: ctx.now, warnMs: ctx.config.auth.warnHours * 3_600_000 },
      read,
    );
    const fine = report.rows.filter((r) => !FAILING.has(r.status) && r.status !== 'expiring').length;
    out.push({
      id: 'fleet.store',
      level: 'ok',
      agent: id,
      summary:
        `agent ${id}: ${Object.keys(read.store.profiles).length} profiles in ${read.path}; ${fine} ` +
        `credential(s) fine`,
    });
    out.push(...profileFindings(agent, report.rows));
  }
  return out;
}

export async function fleetChecks(ctx: DoctorContext): Promise<Finding[]> {
  if (ctx.config.store.backend !== 'postgres') return [];
  const { createPool, describePgError, postgresUrl, storeKey } = await import('../store/backends/postgres/connect.js');
  const { schemaState } = await import('../store/backends/postgres/migrations.js');
  const schema = ctx.config.store.postgres.schema;
  const out: Finding[] = [];
  let key: StoreKey | null | undefined;
  try {
    key = storeKey(ctx.config, ctx.env);
    out.push({
      id: 'fleet.key',
      level: key ? 'ok' : 'warn',
      summary: key
        ? `secrets sealed with key ${key.id} (AES-256-GCM)`
        : 'store.postgres.encryption is none: secrets are stored readable to the database admin',
    });
  } catch (err) {
    out.push({
      id: 'fleet.key',
      level: 'error',
      summary: (err as Error).message,
      fix: 'set AIPRO_STORE_KEY in ~/.aipro/.env (openssl rand -base64 32; the same key on every host)',
    });
  }
  let url: string;
  try {
    url = postgresUrl(ctx.config, ctx.env);
  } catch (err) {
    return [
      ...out,
      {
        id: 'fleet.url',
        level: 'error',
        summary: (err as Error).message,
        fix: 'set AIPRO_STORE_POSTGRES_URL in ~/.aipro/.env',
      },
    ];
  }
  const pool = createPool(url);
  try {
    const { current, latest } = await schemaState(pool, schema);
    if (current < latest)
      out.push({
        id: 'fleet.schema',
        level: 'error',
        summary: `store schema "${schema}" is at version ${current}, this aipro needs ${latest}`,
        fix: 'aipro store migrate',
      });
    else if (current > latest)
      out.push({
        id: 'fleet.schema',
        level: 'error',
        summary: `store schema "${schema}" is at version ${current}, newer than this aipro (${latest})`,
        fix: 'upgrade aipro on this host',
      });
    else {
      out.push({
        id: 'fleet.schema',
        level: 'ok',
        summary: `store schema "${schema}" is current (version ${current})`,
      });
      if (key !== undefined) out.push(...(await storeFindings(ctx, pool, schema, key)));
    }
  } catch (err) {
    out.push({
      id: 'fleet.reachable',
      level: 'error',
      summary: `PostgreSQL is not reachable: ${describePgError(err)}`,
      fix: 'check store.postgres.url and that PostgreSQL runs, then `aipro doctor` again',
    });
  } finally {
    await pool.end();
  }
  return out;
}

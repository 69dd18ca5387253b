/**
 * Doctor checks of the fleet store (only when `store.backend` is postgres): the URL and
 * key are usable, PostgreSQL answers, the schema is at the version this aipro needs, and
 * every agent's credentials in the database (the same per-profile findings as for files).
 */
import type pg from 'pg';
import type { StoreKey } from '../store/backends/postgres/seal.js';
import type { StoreRead } from '../store/read.js';
import { reportSettings } from '../config/models.js';
import { agentReport } from '../store/report.js';
import { FAILING } from '../store/status.js';
import type { DoctorContext, Finding } from './context.js';
import { profileFindings } from './stores.js';

/** What the fleet checks found, and each agent's store as read from the database (for the other checks). */
export interface FleetFindings {
  findings: Finding[];
  /** Agent id → its store; empty when the database could not be read at all. */
  reads: Map<string, StoreRead>;
}

/** Every agent in the database: readable, and its credentials judged like a file store's. */
async function storeFindings(
  ctx: DoctorContext,
  pool: pg.Pool,
  schema: string,
  key: StoreKey | null,
  reads: Map<string, StoreRead>,
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
    reads.set(id, read);
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

export async function fleetChecks(ctx: DoctorContext): Promise<FleetFindings> {
  const reads = new Map<string, StoreRead>();
  if (ctx.config.store.backend !== 'postgres') return { findings: [], reads };
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
    out.push({
      id: 'fleet.url',
      level: 'error',
      summary: (err as Error).message,
      fix: 'set AIPRO_STORE_POSTGRES_URL in ~/.aipro/.env (see docs/fleet.md#configure-every-host)',
    });
    return { findings: out, reads };
  }
  const pool = createPool(url);
  try {
    const { current, latest } = await schemaState(pool, schema);
    if (current < latest)
      out.push({
        id: 'fleet.schema',
        level: 'error',
        summary:
          current === 0
            ? `store schema "${schema}" does not exist yet in ${where(url)} (a new database)`
            : `store schema "${schema}" is at version ${current}, this aipro needs ${latest}`,
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
      if (key !== undefined) out.push(...(await storeFindings(ctx, pool, schema, key, reads)));
    }
  } catch (err) {
    out.push(unreachable(err, url, describePgError(err)));
  } finally {
    await pool.end();
  }
  return { findings: out, reads };
}

/** `host:port/database` of a URL, for messages: never the user's password. */
export function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'the database in store.postgres.url';
  }
}

/** Why PostgreSQL could not be used, told apart by cause, with the next step for each. */
function unreachable(err: unknown, url: string, detail: string): Finding {
  const code = (err as { code?: string }).code ?? '';
  const at = where(url);
  const again = 'then `aipro doctor` again';
  if (code === '28P01' || code === '28000')
    return {
      id: 'fleet.reachable',
      level: 'error',
      summary: `PostgreSQL at ${at} refused the login: ${detail}`,
      fix: `correct the user or password in AIPRO_STORE_POSTGRES_URL (or store.postgres.url), ${again}`,
    };
  if (code === '3D000')
    return {
      id: 'fleet.reachable',
      level: 'error',
      summary: `PostgreSQL at ${at} answers, but ${detail}`,
      fix:
        'create the database (sudo -u postgres createdb --owner <role> <name>; see ' +
        `docs/fleet.md#start-postgresql), ${again}`,
    };
  return {
    id: 'fleet.reachable',
    level: 'error',
    summary: `PostgreSQL at ${at} is not reachable: ${detail}`,
    fix:
      'start PostgreSQL there (e.g. systemctl start postgresql) or correct the host and port in ' +
      `AIPRO_STORE_POSTGRES_URL (or store.postgres.url), ${again}`,
  };
}

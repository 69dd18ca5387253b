/**
 * Doctor checks of the fleet store (only when `store.backend` is postgres): the URL and
 * key are usable, PostgreSQL answers, and the schema is at the version this aipro needs.
 */
import type { DoctorContext } from './context.js';
import type { DoctorCheck } from './types.js';

export async function fleetChecks(ctx: DoctorContext): Promise<DoctorCheck[]> {
  if (ctx.config.store.backend !== 'postgres') return [];
  const { createPool, describePgError, postgresUrl, storeKey } = await import('../store/backends/postgres/connect.js');
  const { schemaState } = await import('../store/backends/postgres/migrations.js');
  const schema = ctx.config.store.postgres.schema;
  const out: DoctorCheck[] = [];
  try {
    const key = storeKey(ctx.config, ctx.env);
    out.push({ id: 'fleet.key', level: key ? 'ok' : 'warn', summary: key ? `secrets sealed with key ${key.id} (AES-256-GCM)` : 'store.postgres.encryption is none: secrets are stored readable to the database admin' });
  } catch (err) {
    out.push({ id: 'fleet.key', level: 'error', summary: (err as Error).message, fix: 'set AIPRO_STORE_KEY in ~/.aipro/.env (openssl rand -base64 32; the same key on every host)' });
  }
  let url: string;
  try {
    url = postgresUrl(ctx.config, ctx.env);
  } catch (err) {
    return [...out, { id: 'fleet.url', level: 'error', summary: (err as Error).message, fix: 'set AIPRO_STORE_POSTGRES_URL in ~/.aipro/.env' }];
  }
  const pool = createPool(url);
  try {
    const { current, latest } = await schemaState(pool, schema);
    if (current < latest) out.push({ id: 'fleet.schema', level: 'error', summary: `store schema "${schema}" is at version ${current}, this aipro needs ${latest}`, fix: 'aipro store migrate' });
    else if (current > latest) out.push({ id: 'fleet.schema', level: 'error', summary: `store schema "${schema}" is at version ${current}, newer than this aipro (${latest})`, fix: 'upgrade aipro on this host' });
    else out.push({ id: 'fleet.schema', level: 'ok', summary: `store schema "${schema}" is current (version ${current})` });
  } catch (err) {
    out.push({ id: 'fleet.reachable', level: 'error', summary: `PostgreSQL is not reachable: ${describePgError(err)}`, fix: 'check store.postgres.url and that PostgreSQL runs, then `aipro doctor` again' });
  } finally {
    await pool.end();
  }
  return out;
}

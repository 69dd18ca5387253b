/**
 * Reaching the fleet database: the URL (config `store.postgres.url`, a literal or a
 * `{source, id}` reference; `AIPRO_STORE_POSTGRES_URL` overrides it through the config
 * loader), the sealing key, and a pool. Errors name the setting and never its value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { BackendConfig } from '../types.js';
import type { Env } from '../../paths.js';
import { resolveSecret } from '../../secrets.js';
import { parseStoreKey, type StoreKey } from './seal.js';

/** Thrown when the fleet store cannot be used (not configured, no key, unreachable, schema behind). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Name of the systemd credential (`LoadCredential=aipro-store-key:…`) that may hold the key. */
export const KEY_CREDENTIAL = 'aipro-store-key';
/** The previous key during `aipro store rekey`. */
export const OLD_KEY_ENV = 'AIPRO_STORE_OLD_KEY';

export function postgresUrl(config: BackendConfig, env: Env): string {
  const res = resolveSecret(config.store.postgres.url || undefined, env);
  if (!res.ok) {
    throw new StoreUnavailableError(
      `store.postgres.url is not usable (${res.detail}); set AIPRO_STORE_POSTGRES_URL (e.g. in ~/.aipro/.env) or ` +
        `\`aipro config set store.postgres.url '{"source":"file","id":"pg-url"}'\``,
    );
  }
  return res.value;
}

/**
 * The sealing key from `AIPRO_STORE_KEY`, else the systemd credential file. Null only with
 * `encryption: none`; without a key and without that explicit choice the backend refuses.
 */
export function storeKey(config: BackendConfig, env: Env): StoreKey | null {
  const fromEnv = env.AIPRO_STORE_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseStoreKey(fromEnv, 'AIPRO_STORE_KEY');
  if (env.CREDENTIALS_DIRECTORY) {
    try {
      return parseStoreKey(
        readFileSync(join(env.CREDENTIALS_DIRECTORY, KEY_CREDENTIAL), 'utf8'),
        `credential ${KEY_CREDENTIAL}`,
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (config.store.postgres.encryption === 'none') return null;
  throw new StoreUnavailableError(
    'AIPRO_STORE_KEY is not set: the postgres store seals secrets with it (32 bytes, base64; make one with ' +
      '`openssl rand -base64 32` and give every host the same key), or set `aipro config set ' +
      'store.postgres.encryption none` if the database itself is trusted',
  );
}

/** The old key for `rekey`, when given. */
export function oldStoreKey(env: Env): StoreKey | null {
  const v = env[OLD_KEY_ENV];
  return v !== undefined && v.trim() !== '' ? parseStoreKey(v, OLD_KEY_ENV) : null;
}

/** A pool whose idle-connection errors are recorded instead of crashing the process. */
export function createPool(url: string, onError: (err: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'aipro',
  });
  pool.on('error', onError);
  return pool;
}

/** A connection error without the URL (pg messages carry host and port, never the password). */
export function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
}

/**
 * Check a client out of the pool. A checked-out client whose server goes away (restart,
 * `pg_terminate_backend`, network cut) emits 'error'; without a listener that would crash
 * the process instead of failing the one query in flight.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient & { done(): void }> {
  const c = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  c.on('error', onError);
  return Object.assign(c, {
    done() {
      c.removeListener('error', onError);
      // A broken connection goes back destroyed, not into the pool.
      c.release(broken ?? false);
    },
  });
}

/**
 * Run `fn` inside one transaction on a pooled connection: `begin` (e.g. `BEGIN ISOLATION LEVEL
 * SERIALIZABLE`), then COMMIT; any error rolls back and is rethrown as is. The connection goes
 * back to the pool (destroyed when it broke) either way.
 */
export async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await checkout(pool);
  try {
    await c.query(begin);
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.done();
  }
}

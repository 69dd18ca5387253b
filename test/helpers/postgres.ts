/**
 * PostgreSQL for integration tests (Debian package `postgresql`): one fresh database per
 * `need()`. Under `npm test` the databases live in the run's shared cluster (its superuser URL
 * in AIPRO_TEST_PG_URL, see scripts/test-servers.mjs); otherwise, or with `{ private: true }`,
 * the file starts a throwaway cluster of its own on first use. Tests that stop and start the
 * server need a private one: stopping the shared cluster would cut every other file's databases.
 * Tests skip with a message when PostgreSQL is not installed, unless AIPRO_REQUIRE_INTEGRATION=1
 * (then they fail).
 */
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import pg from 'pg';
import { findPgBin, PG_URL_ENV, type PgCluster, startCluster } from '../../scripts/test-servers.mjs';

export { findPgBin, type PgCluster, startCluster };

/** A new empty database in the cluster of `superUrl` (a superuser URL); returns its URL. */
async function createDatabase(superUrl: string): Promise<string> {
  // pid + random: files running at the same time, or one after another, share the cluster.
  const name = `t${process.pid}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: superUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(superUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Postgres {
  /** A fresh database URL, or null after marking the test skipped-with-a-message (or failed when required). */
  need(t: ExecutionContext): Promise<string | null>;
  /** Stops and removes the file's own cluster, if it started one (the shared one outlives the file). */
  stop(): Promise<void>;
}

export interface PrivatePostgres extends Postgres {
  /** The file's own cluster, started on first use: stop() and start() it to simulate an outage. */
  cluster(): Promise<PgCluster>;
}

export function usePostgres(opts: { private: true }): PrivatePostgres;
export function usePostgres(opts?: { private?: false }): Postgres;
export function usePostgres(opts: { private?: boolean } = {}): PrivatePostgres {
  const shared = opts.private ? undefined : process.env[PG_URL_ENV];
  let started: Promise<PgCluster> | undefined;
  const bin = shared ? null : findPgBin();
  const cluster = () => (started ??= startCluster(bin as string));
  return {
    cluster,
    async need(t) {
      if (shared) return createDatabase(shared);
      if (!bin) {
        if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') {
          t.fail(
            'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) but AIPRO_REQUIRE_INTEGRATION=1: ' +
              'install the Debian package "postgresql"',
          );
          return null;
        }
        t.log('SKIPPED: PostgreSQL not found (install the Debian package "postgresql" to run this test)');
        t.pass();
        return null;
      }
      return createDatabase((await cluster()).url('postgres'));
    },
    async stop() {
      if (started) (await started).destroy();
    },
  };
}

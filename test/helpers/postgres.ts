/**
 * A throwaway PostgreSQL cluster for integration tests (Debian package `postgresql`):
 * initdb into a temp dir (as the unprivileged `postgres` user when running as root, since
 * PostgreSQL refuses to run as root), pg_ctl on a free loopback port with its socket in
 * the temp dir, password auth, one fresh database per `need()`. Tests skip with a message
 * when PostgreSQL is not installed, unless AIPRO_REQUIRE_INTEGRATION=1 (then they fail).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import pg from 'pg';
import { freePort } from './net.js';

/** `/usr/lib/postgresql/<newest>/bin` when it holds initdb and pg_ctl, else null. */
export function findPgBin(root = '/usr/lib/postgresql'): string | null {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

export interface PgCluster {
  port: number;
  /** Superuser URL of database `db` (password included: tests only). */
  url(db: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(): Promise<string>;
  start(): void;
  /** Fast shutdown (connections are cut, as when the server goes away). */
  stop(): void;
  destroy(): void;
}

function runAs(asPostgres: boolean, cmd: string, args: string[]): void {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args[0] ?? ''} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

/**
 * Where the cluster dir goes. As root the server runs as `postgres`, which must be able to
 * enter the temp dir: a private TMPDIR (mode 0700, as CI and `mktemp -d` make it) is not
 * enterable, so the cluster then goes under /tmp instead.
 */
function clusterBase(asPostgres: boolean): string {
  const base = tmpdir();
  if (!asPostgres) return base;
  try {
    if ((statSync(base).mode & 0o001) !== 0) return base;
  } catch {
    // fall through to /tmp
  }
  return '/tmp';
}

/** initdb + start. The cluster is removed at process exit even if a test forgets to. */
export async function startCluster(bin: string): Promise<PgCluster> {
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(clusterBase(asPostgres), 'aipro-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
  if (asPostgres) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
    chownSync(join(dir, 'pw'), Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  runAs(asPostgres, join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${join(dir, 'pw')}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
  let n = 0;
  let running = false;
  const cluster: PgCluster = {
    port,
    url: (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`,
    async createDatabase() {
      const name = `t${process.pid}_${++n}`;
      const c = new pg.Client({ connectionString: cluster.url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return cluster.url(name);
    },
    start() {
      runAs(asPostgres, join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-o',
        opts,
        '-w',
        '-t',
        '60',
        'start',
      ]);
      running = true;
    },
    stop() {
      if (!running) return;
      running = false;
      runAs(asPostgres, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    },
    destroy() {
      try {
        cluster.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  cluster.start();
  process.once('exit', () => {
    try {
      cluster.destroy();
    } catch {
      // Best effort at exit; the temp dir is all that is left.
    }
  });
  return cluster;
}

/**
 * One cluster per test file, started on first use. `need(t)` gives a fresh database URL,
 * or null after marking the test skipped-with-a-message (or failed when integration is required).
 */
export function usePostgres(): {
  need(t: ExecutionContext): Promise<string | null>;
  cluster(): Promise<PgCluster>;
  stop(): Promise<void>;
} {
  let started: Promise<PgCluster> | undefined;
  const bin = findPgBin();
  const cluster = () => (started ??= startCluster(bin as string));
  return {
    cluster,
    async need(t) {
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
      return (await cluster()).createDatabase();
    },
    async stop() {
      if (started) (await started).destroy();
    },
  };
}

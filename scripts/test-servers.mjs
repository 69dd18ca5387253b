// Throwaway PostgreSQL clusters for the tests (Debian package `postgresql`).
// `npm test` starts ONE cluster for the whole run (startTestServers) and hands its superuser URL
// to ava's workers in AIPRO_TEST_PG_URL: initdb + start + stop cost about a CPU-second each time,
// which 16 test files paid once each. test/helpers/postgres.ts makes a fresh database per need()
// in it, and starts a cluster of its own (startCluster) when the variable is unset (`npx ava
// one-file`) or when a test stops and starts the server. Databases isolate what the tests share:
// schemas, LISTEN/NOTIFY channels and advisory locks are all per database.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';

/** Holds the shared cluster's superuser URL (database `postgres`) while `npm test` runs. */
export const PG_URL_ENV = 'AIPRO_TEST_PG_URL';

/** `/usr/lib/postgresql/<newest>/bin` when it holds initdb and pg_ctl, else null. */
export function findPgBin(root = '/usr/lib/postgresql') {
  let versions;
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

function runAs(asPostgres, cmd, args) {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args[0] ?? ''} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

const SHM = '/dev/shm';
const TMPFS_MAGIC = 0x01021994;
/** Room a RAM-backed cluster may take: its files (~40 MB) and a run's ~40 databases of ~7.5 MB. */
const SHM_ROOM = 1024 ** 3;

/**
 * Where the cluster dir goes. On a tmpfs (/dev/shm) when there is one with room: the clusters
 * are throwaway (fsync is off anyway), and each CREATE DATABASE writes a copy of the template
 * (~7.5 MB), which on this host's ext4 took ~0.22 CPU-s of kernel time against ~0.03 on tmpfs.
 * Otherwise under the temp dir. As root the server runs as `postgres`, which must be able to
 * enter the dir: a private TMPDIR (mode 0700, as CI and `mktemp -d` make it) is not
 * enterable, so the cluster then goes under /tmp instead.
 */
function clusterBase(asPostgres) {
  try {
    const fs = statfsSync(SHM);
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= SHM_ROOM && (statSync(SHM).mode & 0o1777) === 0o1777)
      return SHM;
  } catch {
    // no /dev/shm: the temp dir
  }
  const base = tmpdir();
  if (!asPostgres) return base;
  try {
    if ((statSync(base).mode & 0o001) !== 0) return base;
  } catch {
    // fall through to /tmp
  }
  return '/tmp';
}

/**
 * initdb into a temp dir (as the unprivileged `postgres` user when running as root, since
 * PostgreSQL refuses to run as root), then start on a free loopback port with the socket in that
 * dir and password auth. The cluster is removed at process exit even if its user forgets to.
 * Returns { port, url(db), start(), stop(), destroy() }; stop() is a fast shutdown (connections
 * are cut, as when the server goes away).
 */
export async function startCluster(bin) {
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(clusterBase(asPostgres), 'aipro-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
  if (asPostgres) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pw'), uid, gid);
  }
  const initdb = ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '-E', 'UTF8'];
  runAs(asPostgres, join(bin, 'initdb'), [...initdb, '--no-sync']);
  const port = await freePort();
  // No autovacuum: the databases live for one run, and its workers only cost CPU on a busy machine.
  const opts = [`-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, '-c fsync=off', '-c max_connections=400']
    .concat('-c autovacuum=off')
    .join(' ');
  let running = false;
  const cluster = {
    port,
    url: (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`,
    start() {
      const log = join(dir, 'log');
      runAs(asPostgres, join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', opts, '-w', '-t', '60', 'start']);
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
 * The servers one whole test run shares: `env` for ava's workers, and `stop()` for after ava.
 * Without PostgreSQL installed the env is empty and each test file decides (skip or fail) as before.
 * Ctrl-C or a kill still stops the cluster and removes its files (via the exit handler).
 */
export async function startTestServers() {
  const bin = findPgBin();
  if (!bin) return { env: {}, stop() {} };
  const cluster = await startCluster(bin);
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ])
    process.once(sig, () => process.exit(code));
  return { env: { [PG_URL_ENV]: cluster.url('postgres') }, stop: () => cluster.destroy() };
}

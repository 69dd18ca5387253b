// Gateway added latency on the fleet store: the same small Messages request through two
// `aipro gateway` processes (the built CLI) in front of one local fake upstream, one on this
// host's file store and one on a PostgreSQL store (a throwaway cluster, as the tests start it).
// Once its LISTEN/NOTIFY cache is warm the postgres gateway should answer from memory, so the
// target is: p50 within 0.2 ms of the file gateway. Rounds are interleaved so machine load hits
// both alike; CPU per request of each gateway process is reported too (load cannot inflate it).
// Usage: npm run bench -- gateway-fleet   (or: node --import tsx bench/gateway-fleet.mjs [requests=2000])
// Skips with a message when PostgreSQL (Debian package `postgresql`) is not installed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPgBin, startCluster } from '../test/helpers/postgres.ts';
import { postgresBackend } from '../src/store/backends/postgres.ts';
import { createPool } from '../src/store/backends/postgres/connect.ts';
import { migrate } from '../src/store/backends/postgres/migrations.ts';
import { parseStoreKey } from '../src/store/backends/postgres/seal.ts';
import { emit, processCpuMs } from './lib/result.mjs';
import { pct, startBenchUpstream, timedPost, untilListening } from './lib/messages.mjs';

const sequential = Number(process.argv[2] ?? 2000);
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const bin = findPgBin();
if (!bin) {
  console.log('skipped: PostgreSQL not found (install the Debian package "postgresql" to run this benchmark)');
  process.exit(0);
}

const { server: upstream, url: upUrl } = await startBenchUpstream();

const store = {
  version: 1,
  profiles: {
    'anthropic:a': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'a'.repeat(80)}` },
    'anthropic:b': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'b'.repeat(80)}` },
  },
};
const cluster = await startCluster(bin);
// The throwaway cluster is the bench's alone: its default database holds the store.
const url = cluster.url('postgres');
const key = randomBytes(32).toString('base64');
const pool = createPool(url);
await migrate(pool, 'aipro');
await pool.end();
const seed = postgresBackend(createPool(url), 'aipro', parseStoreKey(key, 'AIPRO_STORE_KEY'));
await seed.update({ id: 'main', storePath: '' }, () => ({ store: structuredClone(store), result: undefined }));
await seed.close();

const homes = [];
async function gateway(backend) {
  const home = mkdtempSync(join(tmpdir(), `aipro-bench-fleet-${backend}-`));
  homes.push(home);
  const agentDir = join(home, '.aipro', 'agents', 'main', 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(home, '.aipro', 'aipro.json'),
    JSON.stringify({ models: { providers: { anthropic: { baseUrl: upUrl } } }, store: { backend } }),
  );
  if (backend === 'file') writeFileSync(join(agentDir, 'auth-profiles.json'), JSON.stringify(store), { mode: 0o600 });
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    AIPRO_STORE_POSTGRES_URL: url,
    AIPRO_STORE_KEY: key,
  };
  const child = spawn(process.execPath, [cli, 'gateway', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const { url: gwUrl } = await untilListening(child, `gateway (${backend})`);
  return { child, url: gwUrl };
}
const file = await gateway('file');
const fleet = await gateway('postgres');

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const once = (base) => timedPost(`${base}/v1/messages`, agent);
async function latency(gw) {
  for (let i = 0; i < 200; i++) await once(gw.url); // warm-up (JIT, sockets, the store cache)
  const cpu0 = processCpuMs(gw.child.pid);
  const xs = [];
  for (let i = 0; i < sequential; i++) xs.push(await once(gw.url));
  const cpuUs = ((processCpuMs(gw.child.pid) - cpu0) / sequential) * 1000;
  xs.sort((a, b) => a - b);
  return { p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), cpuUs };
}
const onFile = [];
const onPg = [];
for (let round = 0; round < 5; round++) {
  onFile.push(await latency(file));
  onPg.push(await latency(fleet));
}
const med = (rs, k) => rs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rs.length / 2)];
const fmt = (x) => x.toFixed(3).padStart(8);
console.log(`latency through the gateway, ${sequential} sequential requests × 5 rounds (median of rounds), ms`);
console.log(`                 p50      p90      p99   CPU µs/req`);
for (const [name, rs] of [
  ['file store', onFile],
  ['postgres', onPg],
])
  console.log(
    `${name.padEnd(11)} ${fmt(med(rs, 'p50'))} ${fmt(med(rs, 'p90'))} ${fmt(med(rs, 'p99'))} ` +
      `${med(rs, 'cpuUs').toFixed(0).padStart(8)}`,
  );
const target = 'gateway p50, postgres store vs file store';
emit({
  target,
  basis: 'wall',
  value: med(onPg, 'p50') - med(onFile, 'p50'),
  unit: 'ms',
  baseline: med(onFile, 'p50'),
  baselineLabel: 'file store p50',
  limit: 0.2,
  op: '<',
});
emit({
  target,
  basis: 'cpu',
  value: (med(onPg, 'cpuUs') - med(onFile, 'cpuUs')) / 1000,
  unit: 'ms',
  baseline: med(onFile, 'cpuUs') / 1000,
  baselineLabel: 'file store CPU/req',
  limit: 0.2,
  op: '<',
});

for (const gw of [file, fleet]) {
  gw.child.kill('SIGTERM');
  await new Promise((r) => gw.child.on('close', r));
}
agent.destroy();
upstream.close();
cluster.destroy();
for (const h of homes) rmSync(h, { recursive: true, force: true });

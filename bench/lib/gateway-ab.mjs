// A/B of gateway builds for a loaded machine: many short interleaved rounds (order rotated each
// round) through the bare proxy and each build. Per round:
// - throughput: 32 keep-alive connections for `seconds`; each build's CPU per request divided by
//   the bare proxy's of the same round (neighbours in time share the machine's state: a busy
//   sibling core, caches); the median of those ratios is the figure, with the median CPU µs;
// - latency: BENCH_AB_SEQ sequential requests (default 300; 0 skips) straight to the upstream and
//   through each build, in the same rotated order; the samples of all rounds are pooled and each
//   build's p50/p99 is reported with what it adds over the direct path's (wall time: compare builds
//   of the same run only).
// Every build gets its own HOME (its own store): two gateways on one store would re-read each
// other's bookkeeping writes, which is not what one gateway does.
// Usage (after `npm run build`, and building the other variants):
//   node bench/lib/gateway-ab.mjs [rounds=40] [seconds=1] name=/path/to/cli/main.js …
//   (`name=--some-node-flag /path/to/main.js` runs a build with node flags)
// A build's agent store has BENCH_GW_PROFILES API-key profiles (default 2).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchHome, pct, startBenchUpstream, timedPost, untilListening } from './messages.mjs';
import { median, processCpuMs } from './result.mjs';

const args = process.argv.slice(2);
const numbers = args.filter((a) => /^\d+(\.\d+)?$/.test(a)).map(Number);
const [rounds = 40, seconds = 1] = numbers;
const builds = args
  .filter((a) => a.includes('='))
  .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
const concurrency = 32;
const sequential = Number(process.env.BENCH_AB_SEQ ?? 300);
const profileCount = Number(process.env.BENCH_GW_PROFILES ?? 2);

const { server: upstream, url: upUrl } = await startBenchUpstream();
const homes = [];

function start(argv, env) {
  const proc = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return untilListening(proc, argv.join(' '));
}
const contestants = [
  { name: 'bare proxy', ...(await start([fileURLToPath(new URL('./bare-proxy.cjs', import.meta.url)), upUrl], {})) },
];
for (const [name, spec] of builds) {
  const home = benchHome(upUrl, profileCount, 'aipro-bench-ab-');
  homes.push(home);
  const words = spec.split(' ').filter(Boolean);
  contestants.push({
    name,
    ...(await start([...words, 'gateway', '--port', '0'], { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' })),
  });
}

process.on('uncaughtException', (err) => {
  for (const c of contestants) c.proc.kill('SIGTERM');
  throw err;
});

const headers = { 'x-api-key': 'client', 'anthropic-version': '2023-06-01' };
async function round(c, secs) {
  const via = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let done = 0;
  const cpu0 = processCpuMs(c.proc.pid);
  const until = Date.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await timedPost(`${c.url}/v1/messages`, via, headers);
        done++;
      }
    }),
  );
  via.destroy();
  return ((processCpuMs(c.proc.pid) - cpu0) * 1000) / done;
}
// A fresh connection per latency round (an idle one may be closed by its server meanwhile);
// the first requests set it up and warm it, unrecorded.
async function latencyRound(url, n, into) {
  const via = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 5; i++) await timedPost(`${url}/v1/messages`, via, headers);
  for (let i = 0; i < n; i++) into.push(await timedPost(`${url}/v1/messages`, via, headers));
  via.destroy();
}
// The direct path joins the latency rounds only (it is the base the added latency is taken from).
const lat = [{ name: 'direct', url: upUrl, ms: [] }, ...contestants.map((c) => ({ name: c.name, url: c.url, ms: [] }))];
for (const c of contestants) {
  await round(c, 2);
  c.cpu = [];
}
for (const l of lat) await latencyRound(l.url, 200, []);
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < contestants.length; i++) {
    const c = contestants[(i + r) % contestants.length];
    c.cpu.push(await round(c, seconds));
  }
  if (sequential > 0)
    for (let i = 0; i < lat.length; i++)
      await latencyRound(lat[(i + r) % lat.length].url, sequential, lat[(i + r) % lat.length].ms);
}
const bare = contestants[0];
console.log(
  `${rounds} rounds of ${seconds}s, ${concurrency} connections, ${profileCount} profiles, load average ` +
    `${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}; CPU µs per request (median, least), and per-round ratio to ` +
    'the bare proxy (median)',
);
for (const c of contestants) {
  const ratio = median(c.cpu.map((x, i) => bare.cpu[i] / x));
  console.log(
    `  ${c.name.padEnd(24)} ${median(c.cpu).toFixed(1).padStart(7)} ${Math.min(...c.cpu)
      .toFixed(1)
      .padStart(7)}` + `   bare/this ${ratio.toFixed(3)}`,
  );
}
if (sequential > 0) {
  for (const l of lat) l.ms.sort((a, b) => a - b);
  const [d50, d99] = [pct(lat[0].ms, 50), pct(lat[0].ms, 99)];
  console.log(`latency, ${sequential} sequential requests × ${rounds} rounds pooled, wall ms: p50 p99 (added p50 p99)`);
  for (const l of lat) {
    const [p50, p99] = [pct(l.ms, 50), pct(l.ms, 99)];
    console.log(
      `  ${l.name.padEnd(24)} ${p50.toFixed(3)} ${p99.toFixed(3)}` +
        (l === lat[0] ? '' : `   (+${(p50 - d50).toFixed(3)} +${(p99 - d99).toFixed(3)})`),
    );
  }
}
// Resident memory at the end (a GC flag that wins latency may cost it).
for (const c of contestants) {
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.proc.pid}/status`, 'utf8'))?.[1];
  console.log(`  ${c.name.padEnd(24)} RSS ${rss ? (Number(rss) / 1024).toFixed(1) : '?'} MB`);
}
for (const c of contestants) {
  c.proc.kill('SIGTERM');
  await new Promise((r) => c.proc.on('close', r));
}
upstream.close();
for (const home of homes) rmSync(home, { recursive: true, force: true });

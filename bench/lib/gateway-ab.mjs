// A/B of gateway builds by CPU time per request, for a loaded machine: many short interleaved
// rounds (order rotated each round) through the bare proxy and each build, the same client
// load as gateway-overhead.mjs. Per round, each build's CPU per request is divided by the bare
// proxy's of the same round (neighbours in time share the machine's state: a busy sibling
// core, caches); the median of those ratios is the figure, with the median CPU µs per request.
// Usage (after `npm run build`, and building the other variants):
//   node bench/lib/gateway-ab.mjs [rounds=40] [seconds=1] name=/path/to/cli/main.js …
// A build's agent store has BENCH_GW_PROFILES API-key profiles (default 2).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchHome, startBenchUpstream, timedPost, untilListening } from './messages.mjs';
import { median, processCpuMs } from './result.mjs';

const args = process.argv.slice(2);
const numbers = args.filter((a) => /^\d+(\.\d+)?$/.test(a)).map(Number);
const [rounds = 40, seconds = 1] = numbers;
const builds = args.filter((a) => a.includes('=')).map((a) => a.split('='));
const concurrency = 32;
const profileCount = Number(process.env.BENCH_GW_PROFILES ?? 2);

const { server: upstream, url: upUrl } = await startBenchUpstream();
const home = benchHome(upUrl, profileCount, 'aipro-bench-ab-');

function start(argv, env) {
  const proc = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return untilListening(proc, argv.join(' '));
}
const contestants = [
  { name: 'bare proxy', ...(await start([fileURLToPath(new URL('./bare-proxy.cjs', import.meta.url)), upUrl], {})) },
];
for (const [name, entry] of builds)
  contestants.push({
    name,
    ...(await start([entry, 'gateway', '--port', '0'], { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' })),
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
for (const c of contestants) {
  await round(c, 2);
  c.cpu = [];
}
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < contestants.length; i++) {
    const c = contestants[(i + r) % contestants.length];
    c.cpu.push(await round(c, seconds));
  }
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
for (const c of contestants) {
  c.proc.kill('SIGTERM');
  await new Promise((r) => c.proc.on('close', r));
}
upstream.close();
rmSync(home, { recursive: true, force: true });

// Gateway overhead: the same small Messages request sent straight to a local fake upstream
// and through `aipro gateway` (a real child process, API-key profile, keep-alive on both
// hops). Prints p50/p90/p99 latency of each path and their difference (the added latency),
// then the throughput with N concurrent keep-alive connections through the gateway and through a
// bare Node proxy (bench/lib/bare-proxy.cjs), warmed up alike and measured in interleaved rounds.
// Usage: node bench/gateway-overhead.mjs [sequentialRequests=2000] [seconds=5] [concurrency=32] [rounds=3]
//        (after `npm run build`; numbers vary with the machine's load)
// Profiling hooks: BENCH_NODE_ARGS="--cpu-prof" adds node flags to the gateway process;
// BENCH_CLI / BENCH_CLI_ARGS (UPSTREAM = the fake's URL) run another entry point instead;
// BENCH_CLI_B adds more gateway builds to the throughput rounds (A/B of a lever; several
// comma-separated, optionally `name=path`).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emit, processCpuMs } from './lib/result.mjs';
import { benchHome, pct, startBenchUpstream, timedPost, untilListening } from './lib/messages.mjs';

const sequential = Number(process.argv[2] ?? 2000);
const seconds = Number(process.argv[3] ?? 5);
const concurrency = Number(process.argv[4] ?? 32);
const rounds = Number(process.argv[5] ?? 3);
// BENCH_GW_PROFILES: API-key profiles in the agent's store (per-request work that grows with it shows).
const profileCount = Number(process.env.BENCH_GW_PROFILES ?? 2);
const cli = process.env.BENCH_CLI ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const { server: upstream, url: upUrl } = await startBenchUpstream();

const home = benchHome(upUrl, profileCount, 'aipro-bench-gw-');
function startGateway(entry) {
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      entry,
      ...(process.env.BENCH_CLI_ARGS
        ? process.env.BENCH_CLI_ARGS.replace('UPSTREAM', upUrl).split(' ')
        : ['gateway', '--port', '0']),
    ],
    { env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return untilListening(proc, 'gateway');
}
const { proc: child, url: gwUrl } = await startGateway(cli);
// BENCH_CLI_B=/other/dist/cli/main.js: a second gateway build measured in the same rounds
// (A/B of one lever under the same load); shown, not judged.
const others = [];
for (const spec of (process.env.BENCH_CLI_B ?? '').split(',').filter(Boolean)) {
  const [name, entry] = spec.includes('=')
    ? spec.split('=')
    : [`gateway ${String.fromCharCode(66 + others.length)}`, spec];
  others.push({ name, ...(await startGateway(entry)) });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const CLIENT_HEADERS = { 'x-api-key': 'client', 'anthropic-version': '2023-06-01' };
// Requests each path answered over the whole run (to turn a --cpu-prof of a proxy into µs per request).
const served = new Map();
const once = (base, path, via = agent) =>
  timedPost(`${base}${path}`, via, CLIENT_HEADERS).then((ms) => {
    served.set(base, (served.get(base) ?? 0) + 1);
    return ms;
  });
async function latency(base) {
  for (let i = 0; i < 200; i++) await once(base, '/v1/messages'); // warm-up (JIT, sockets)
  const xs = [];
  for (let i = 0; i < sequential; i++) xs.push(await once(base, '/v1/messages'));
  xs.sort((a, b) => a - b);
  return { p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99) };
}
// Interleave so load on the machine hits both paths alike.
const direct = [];
const through = [];
for (let round = 0; round < 3; round++) {
  direct.push(await latency(upUrl));
  through.push(await latency(gwUrl));
}
const med = (rs, k) => rs.map((r) => r[k]).sort((a, b) => a - b)[1];
const fmt = (x) => x.toFixed(3).padStart(8);
console.log(`latency, ${sequential} sequential requests × 3 rounds (median of rounds), ms`);
console.log(`             p50      p90      p99`);
console.log(`direct  ${fmt(med(direct, 'p50'))} ${fmt(med(direct, 'p90'))} ${fmt(med(direct, 'p99'))}`);
console.log(`gateway ${fmt(med(through, 'p50'))} ${fmt(med(through, 'p90'))} ${fmt(med(through, 'p99'))}`);
console.log(
  `added   ${fmt(med(through, 'p50') - med(direct, 'p50'))} ${fmt(med(through, 'p90') - med(direct, 'p90'))} ` +
    `${fmt(med(through, 'p99') - med(direct, 'p99'))}`,
);

// CPU seconds a proxy process used (Linux /proc), to show its cost per request apart from
// the load generator and upstream that share this machine.
const cpuSeconds = (pid) => processCpuMs(pid) / 1000;
async function throughput(base, pid, secs) {
  let done = 0;
  let failed = 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const until = Date.now() + secs * 1000;
  // Fresh client connections per round: the proxy closes idle ones while other paths run.
  const via = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        try {
          await once(base, '/v1/messages', via);
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  via.destroy();
  return { rps: done / ((performance.now() - t0) / 1000), cpuUs: ((cpuSeconds(pid) - cpu0) / done) * 1e6, failed };
}
// The baseline: a bare keep-alive pass-through proxy with the gateway's transport settings
// (bench/lib/bare-proxy.cjs): what this machine allows.
// BENCH_BARE_NODE_ARGS: node flags for the bare proxy too (a --cpu-prof of the baseline to compare with).
const bare = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_BARE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    fileURLToPath(new URL('./lib/bare-proxy.cjs', import.meta.url)),
    upUrl,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const bareUrl = await new Promise((resolve) =>
  bare.stdout.setEncoding('utf8').on('data', (d) => {
    const m = /listening on (\S+)/.exec(d);
    if (m) resolve(m[1]);
  }),
);
// Both warmed up alike (JIT, sockets), then measured in interleaved rounds, alternating which
// goes first (rotated each round), so load from other work hits every path alike; medians reported.
const contestants = [
  { name: 'bare node proxy', url: bareUrl, pid: bare.pid, rounds: [] },
  { name: 'aipro gateway', url: gwUrl, pid: child.pid, rounds: [] },
  ...others.map((o) => ({ name: o.name, url: o.url, pid: o.proc.pid, rounds: [] })),
];
for (const c of contestants) await throughput(c.url, c.pid, 1);
for (let round = 0; round < rounds; round++) {
  const order = contestants.map((_, i) => contestants[(i + round) % contestants.length]);
  for (const c of order) c.rounds.push(await throughput(c.url, c.pid, seconds));
}
const [bareRounds, gwRounds] = [contestants[0].rounds, contestants[1].rounds];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (rs) => ({
  rps: median(rs.map((r) => r.rps)),
  cpuUs: median(rs.map((r) => r.cpuUs)),
  // Load from other work only adds CPU time (cache misses, preemption): the least round is
  // the steadiest figure of a loaded machine.
  cpuMinUs: Math.min(...rs.map((r) => r.cpuUs)),
  failed: rs.reduce((n, r) => n + r.failed, 0),
});
const tBare = sum(bareRounds);
const tGw = sum(gwRounds);
const cpuText = (t) =>
  Number.isFinite(t.cpuUs)
    ? `${t.cpuUs.toFixed(0)} µs CPU per request in the proxy process (least ${t.cpuMinUs.toFixed(0)})`
    : 'CPU n/a';
const text = (t) => `${t.rps.toFixed(0)} req/s, ${cpuText(t)} (${t.failed} failed)`;
console.log(`throughput, ${concurrency} connections, median of ${rounds} interleaved rounds of ${seconds}s`);
const nameWidth = Math.max(17, ...contestants.map((x) => x.name.length + 2));
for (const c of contestants) {
  const perRound = c.rounds.map(
    (r, i) => `${(r.rps / bareRounds[i].rps).toFixed(2)}/${(bareRounds[i].cpuUs / r.cpuUs).toFixed(2)}`,
  );
  console.log(
    `  ${`${c.name}:`.padEnd(nameWidth)} ${text(sum(c.rounds))}; ` +
      `vs bare per round (req/s / CPU): ${perRound.join(' ')}; ` +
      `${served.get(c.url)} requests in the run`,
  );
}
const tput = `gateway throughput, ${concurrency} connections`;
emit({
  target: tput,
  basis: 'wall',
  value: tGw.rps,
  unit: 'req/s',
  baseline: tBare.rps,
  baselineLabel: 'bare proxy',
  ratio: true,
  limit: 0.9,
  op: '>=',
});
// CPU-bound, throughput is the inverse of CPU per request: bare proxy's CPU / the gateway's.
emit({
  target: tput,
  basis: 'cpu',
  value: 1e6 / tGw.cpuUs,
  unit: 'req/CPU-s',
  baseline: 1e6 / tBare.cpuUs,
  baselineLabel: 'bare proxy',
  ratio: true,
  limit: 0.9,
  op: '>=',
});
emit({
  target: 'gateway p99 added latency',
  basis: 'wall',
  value: med(through, 'p99') - med(direct, 'p99'),
  unit: 'ms',
  limit: 1,
  op: '<',
});
// A lower bound of the added latency that load cannot inflate: the CPU the gateway spends per
// request beyond what the bare proxy spends.
emit({
  target: 'gateway CPU added per request',
  basis: 'cpu',
  value: (tGw.cpuUs - tBare.cpuUs) / 1000,
  unit: 'ms',
  baseline: tBare.cpuUs / 1000,
  baselineLabel: 'bare proxy',
  limit: 1,
  op: '<',
});
bare.kill('SIGTERM');
await new Promise((r) => bare.on('close', r));

child.kill('SIGTERM');
await new Promise((r) => child.on('close', r));
for (const o of others) {
  o.proc.kill('SIGTERM');
  await new Promise((r) => o.proc.on('close', r));
}
agent.destroy();
upstream.close();
rmSync(home, { recursive: true, force: true });

// Gateway overhead: the same small Messages request sent straight to a local fake upstream
// and through `aipro gateway` (a real child process, API-key profile, keep-alive on both
// hops). Prints p50/p90/p99 latency of each path and their difference (the added latency),
// then the throughput through the gateway with N concurrent keep-alive connections.
// Usage: node bench/gateway-overhead.mjs [sequentialRequests=2000] [seconds=5] [concurrency=32]
//        (after `npm run build`; numbers vary with the machine's load)
// Profiling hooks: BENCH_NODE_ARGS="--cpu-prof" adds node flags to the gateway process;
// BENCH_CLI / BENCH_CLI_ARGS (UPSTREAM = the fake's URL) run another entry point instead.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, processCpuMs } from './lib/result.mjs';

const sequential = Number(process.argv[2] ?? 2000);
const seconds = Number(process.argv[3] ?? 5);
const concurrency = Number(process.argv[4] ?? 32);
const cli = process.env.BENCH_CLI ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const answer = JSON.stringify({
  id: 'msg_b',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 1, output_tokens: 1 },
});
const upstream = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
      'request-id': 'req_b',
    });
    res.end(answer);
  });
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upUrl = `http://127.0.0.1:${upstream.address().port}`;

const home = mkdtempSync(join(tmpdir(), 'aipro-bench-gw-'));
const agentDir = join(home, '.aipro', 'agents', 'main', 'agent');
mkdirSync(agentDir, { recursive: true, mode: 0o700 });
writeFileSync(
  join(home, '.aipro', 'aipro.json'),
  JSON.stringify({ models: { providers: { anthropic: { baseUrl: upUrl } } } }),
);
writeFileSync(
  join(agentDir, 'auth-profiles.json'),
  JSON.stringify({
    version: 1,
    profiles: {
      'anthropic:a': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'a'.repeat(80)}` },
      'anthropic:b': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'b'.repeat(80)}` },
    },
  }),
  { mode: 0o600 },
);
const child = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    cli,
    ...(process.env.BENCH_CLI_ARGS
      ? process.env.BENCH_CLI_ARGS.replace('UPSTREAM', upUrl).split(' ')
      : ['gateway', '--port', '0']),
  ],
  { env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const gwUrl = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`gateway exited ${code}`)));
});

const body = JSON.stringify({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] });
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function once(base, path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': 'client',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
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

// CPU seconds the gateway process used (Linux /proc), to show its cost per request apart
// from the load generator and upstream that share this machine.
const cpuSeconds = (pid) => processCpuMs(pid) / 1000;
async function throughput(base, pid) {
  let done = 0;
  let failed = 0;
  const cpu0 = cpuSeconds(pid);
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        try {
          await once(base, '/v1/messages');
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  const cpuUs = ((cpuSeconds(pid) - cpu0) / done) * 1e6;
  const rps = done / seconds;
  return {
    rps,
    cpuUs,
    text:
      `${rps.toFixed(0)} req/s (${concurrency} connections, ${seconds}s, ${failed} failed), ` +
      `${Number.isFinite(cpuUs) ? `${cpuUs.toFixed(0)} µs CPU per request in the proxy process` : 'CPU n/a'}`,
  };
}
// A bare keep-alive pass-through proxy (no routing, no credentials): what this machine allows.
const bare = spawn(
  process.execPath,
  [
    '-e',
    `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const up = new URL(process.argv[1]);
const s = http.createServer((req, res) => {
  const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': 'k' };
    const r = http.request({ host: up.hostname, port: up.port, path: req.url, method: 'POST', agent, headers }, (u) => {
      const len = u.headers['content-length'];
      const out = { 'content-type': u.headers['content-type'], ...(len ? { 'content-length': len } : {}) };
      res.writeHead(u.statusCode, out);
      u.pipe(res);
    });
    r.end(body);
  });
});
s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));
`,
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
const tBare = await throughput(bareUrl, bare.pid);
const tGw = await throughput(gwUrl, child.pid);
console.log(`throughput, bare node proxy:   ${tBare.text}`);
console.log(`throughput, aipro gateway:     ${tGw.text}`);
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

child.kill('SIGTERM');
await new Promise((r) => child.on('close', r));
agent.destroy();
upstream.close();
rmSync(home, { recursive: true, force: true });

// 10,000 auth profiles over 100 agents: the time of one expiry cycle plus one /metrics render
// (targets: first cycle + first render < 250 ms, steady < 100 ms), in-process, cold (first cycle)
// and warm (median of the next runs), in wall and CPU time; then the real daemon
// (`aipro monitor`) on the same state: its /metrics scrape time and its RSS after a few cycles
// (target < 100 MB). Prints figures; never passes or fails on them.
// Usage: node bench/monitor-10k.mjs [warmRuns]   (after `npm run build`: the daemon is the bundle)
// BENCH_NODE_ARGS="--cpu-prof" adds node flags to the daemon. The daemon gets the node flags and the
// environment of systemd/aipro-monitor.service (BENCH_DROP_FLAGS / BENCH_DROP_ENV leave some out: an A/B).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { emit, processCpuMs } from './lib/result.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const root = new URL('../', import.meta.url);
const warmRuns = Number(process.argv[2] ?? 7);
const AGENTS = 100;
const PER_AGENT = 100;

const home = mkdtempSync(join(tmpdir(), 'aipro-bench-monitor-'));
const now = Date.now();
for (let a = 0; a < AGENTS; a++) {
  const agent = a === 0 ? 'main' : `agent${String(a).padStart(3, '0')}`;
  const profiles = {};
  const usageStats = {};
  for (let i = 0; i < PER_AGENT; i++) {
    const pad = `${a}-${i}`.padStart(8, '0');
    const kind = i % 4;
    if (kind === 0)
      profiles[`anthropic:key${i}`] = {
        type: 'api_key',
        provider: 'anthropic',
        key: `sk-ant-api03-${'k'.repeat(80)}${pad}`,
      };
    else if (kind === 1)
      profiles[`anthropic:tok${i}`] = {
        type: 'token',
        provider: 'anthropic',
        token: `sk-ant-oat01-${'t'.repeat(80)}${pad}`,
        expires: now + (i - 10) * 3_600_000 * 5,
      };
    else if (kind === 2)
      profiles[`openai-codex:u${i}@example.com`] = {
        type: 'oauth',
        provider: 'openai-codex',
        access: `acc-${'a'.repeat(40)}${pad}`,
        refresh: `ref-${'r'.repeat(40)}${pad}`,
        expires: now + 3_600_000,
      };
    else profiles[`openai:key${i}`] = { type: 'api_key', provider: 'openai', key: `sk-proj-${'o'.repeat(60)}${pad}` };
    if (i % 10 === 0)
      usageStats[Object.keys(profiles).at(-1)] = {
        lastProbe: {
          at: now - 60_000,
          ok: i % 20 === 0,
          reason: i % 20 === 0 ? 'ok' : 'rate_limit',
          latencyMs: 120 + i,
        },
      };
  }
  const dir = join(home, '.aipro', 'agents', agent, 'agent');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'auth-profiles.json'), JSON.stringify({ version: 1, profiles, usageStats }, null, 2), {
    mode: 0o600,
  });
}
// Keep the daemon off the network: no validity probes during the run.
writeFileSync(
  join(home, '.aipro', 'aipro.json'),
  JSON.stringify({ monitor: { schedules: { validity: '0 0 1 1 *', refresh: '0 0 1 1 *' } } }),
);
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

// The in-process cycle runs the sources bundled as the shipped CLI is (esbuild, minified, no
// keepNames): through tsx every inner function would pay a `__name` defineProperty per call.
const inproc = fileURLToPath(new URL('dist/bench/monitor-inproc.mjs', root));
await build({
  stdin: {
    contents: [
      "export { loadContext, listAgents } from './src/context.ts';",
      "export { expiry } from './monitors/expiry.ts';",
      "export { createMetrics, updateFromObservations } from './exporters/prometheus/registry.ts';",
      "export { exposition } from './exporters/prometheus/exposition.ts';",
    ].join('\n'),
    resolveDir: fileURLToPath(root),
    loader: 'ts',
  },
  outfile: inproc,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  minify: true,
  logLevel: 'warning',
});
const { loadContext, listAgents, expiry, createMetrics, exposition, updateFromObservations } = await import(inproc);
// The render as a scrape does it: the exposition's pieces, each encoded to UTF-8 bytes (what a
// socket write does with a string); never one 12 MB string, which the daemon never builds.
const scratch = Buffer.allocUnsafe(32 << 20);
async function render(m) {
  let bytes = 0;
  for await (const piece of exposition(m, 'text')) bytes += scratch.write(piece, bytes);
  return bytes;
}

const ctx = loadContext({ env, cwd: home });
const metrics = createMetrics();
const silent = { info() {}, warn() {}, error() {} };
async function cycle() {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const agents = listAgents(ctx);
  const obs = await expiry.run({ config: ctx.config, env: ctx.env, now: Date.now, agents, log: silent });
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  updateFromObservations(metrics, obs, Date.now(), { replaceCredentials: true });
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  const bytes = await render(metrics);
  const t3 = performance.now();
  const c = process.cpuUsage(c0);
  const ms = (u) => (u.user + u.system) / 1000;
  return {
    cpu: ms(c),
    cpuSplit: [ms(c1), ms(c2) - ms(c1), ms(c) - ms(c2)],
    total: t3 - t0,
    expiry: t1 - t0,
    update: t2 - t1,
    render: t3 - t2,
    observations: obs.length,
    bytes,
  };
}
const fmt = (n) => `${n.toFixed(1)} ms`;
const cold = await cycle();
const warm = [];
for (let i = 0; i < warmRuns; i++) warm.push(await cycle());
warm.sort((a, b) => a.total - b.total);
const med = warm[Math.floor(warm.length / 2)];
const cpuMed = warm.map((w) => w.cpu).sort((a, b) => a - b)[Math.floor(warm.length / 2)];
console.log(
  `profiles: ${cold.observations} observations over ${AGENTS} agents; /metrics ${(cold.bytes / 1e6).toFixed(1)} MB`,
);
const split = (r) =>
  `CPU: expiry ${fmt(r.cpuSplit[0])}, metrics update ${fmt(r.cpuSplit[1])}, render ${fmt(r.cpuSplit[2])}`;
console.log(
  `in-process cold cycle: ${fmt(cold.total)}, CPU ${fmt(cold.cpu)}, ${split(cold)}; wall (expiry ` +
    `${fmt(cold.expiry)}, metrics update ${fmt(cold.update)}, render ${fmt(cold.render)})`,
);
console.log(
  `in-process warm cycle (median of ${warmRuns}): ${fmt(med.total)}, CPU ${fmt(cpuMed)}, ${split(med)}; wall ` +
    `(expiry ${fmt(med.expiry)}, metrics update ${fmt(med.update)}, render ${fmt(med.render)})`,
);
const t10k = '10k profiles: first cycle + /metrics';
emit({ target: t10k, basis: 'wall', value: cold.total, unit: 'ms', limit: 250, op: '<' });
emit({ target: t10k, basis: 'cpu', value: cold.cpu, unit: 'ms', limit: 250, op: '<' });
emit({
  target: '10k profiles: steady cycle + /metrics',
  basis: 'wall',
  value: med.total,
  unit: 'ms',
  limit: 100,
  op: '<',
});
emit({ target: '10k profiles: steady cycle + /metrics', basis: 'cpu', value: cpuMed, unit: 'ms', limit: 100, op: '<' });

// The daemon itself, with the node flags its systemd unit gives it (heap settings).
const unit = readFileSync(new URL('systemd/aipro-monitor.service', root), 'utf8');
// BENCH_DROP_FLAGS="--expose-gc" runs the daemon without some of the unit's flags (an A/B of a flag).
const dropped = (process.env.BENCH_DROP_FLAGS ?? '').split(' ').filter(Boolean);
const unitNodeFlags = (/^ExecStart=\{\{NODE\}\} (.*?)\{\{AIPRO\}\} monitor$/m.exec(unit)?.[1] ?? '')
  .split(' ')
  .filter((f) => f && !dropped.includes(f));
// …and the environment it sets (`Environment=` lines: glibc's malloc arenas); BENCH_DROP_ENV drops some by name.
const droppedEnv = (process.env.BENCH_DROP_ENV ?? '').split(' ').filter(Boolean);
const unitEnv = Object.fromEntries(
  [...unit.matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=(\S*)$/gm)]
    .filter(([, name]) => !droppedEnv.includes(name))
    .map(([, name, value]) => [name, value]),
);
console.log(
  `daemon node flags (systemd/aipro-monitor.service): ${unitNodeFlags.join(' ') || 'none'}; environment: ` +
    `${Object.entries(unitEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
);
const child = spawn(
  process.execPath,
  [
    ...unitNodeFlags,
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    join(dist, 'cli', 'main.js'),
    'monitor',
    '--listen',
    '127.0.0.1:0',
    '--log-format',
    'json',
  ],
  { env: { ...env, ...unitEnv }, stdio: ['ignore', 'ignore', 'pipe'] },
);
let port;
let cycles = 0;
const lines = [];
await new Promise((resolve, reject) => {
  let buf = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      const ev = JSON.parse(line);
      if (ev.event === 'monitor.listening') port = Number(ev.address.split(':').pop());
      if (ev.event === 'monitor.done' && ev.monitor === 'expiry') cycles++;
      if (ev.event === 'monitor.ready') resolve();
    }
  });
  child.on('exit', (code) => reject(new Error(`daemon exited ${code}: ${lines.join('\n')}`)));
});
const daemonStartCpu = processCpuMs(child.pid);
const expiryDone = lines.map((l) => JSON.parse(l)).find((e) => e.event === 'monitor.done' && e.monitor === 'expiry');
// fetch asks for gzip by default; `identity` measures the plain text scrape, then one run as Prometheus asks.
async function scrape(headers) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}
const scrapes = await scrape({ 'accept-encoding': 'identity' });
const gz = await scrape({
  'accept-encoding': 'gzip',
  accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
console.log(
  `daemon first expiry cycle: ${expiryDone?.duration_ms} ms; /metrics scrape (median of 5): ${fmt(scrapes[2])} ` +
    `plain, ${fmt(gz[2])} OpenMetrics + gzip (fetch unzips)`,
);
const daemonRss = rss();
const scrapesCpu = processCpuMs(child.pid) - daemonStartCpu;
// The daemon trims its heap a second after a scrape or a run (src/daemon/heap-trim.ts): RSS once it had the chance.
await new Promise((r) => setTimeout(r, 2000));
const settledRss = rss();
console.log(
  `daemon start to first cycle done: CPU ${fmt(daemonStartCpu)}; the 10 scrapes: CPU ${fmt(scrapesCpu)}; ` +
    `RSS after first cycle + 10 scrapes: ${daemonRss.toFixed(0)} MB, 2 s later ${settledRss.toFixed(0)} MB ` +
    `(peak ${hwm().toFixed(0)} MB)`,
);
emit({
  target: '10k profiles: daemon RSS after first cycle',
  basis: 'mem',
  value: daemonRss,
  unit: 'MB',
  limit: 100,
  op: '<',
});
emit({ target: '10k profiles: daemon peak RSS', basis: 'info', value: hwm(), unit: 'MB', limit: null, op: '<' });
// Then as a daemon lives: a scrape every 15 s (as Prometheus does) and the expiry cycle every
// minute, for BENCH_STEADY_S seconds (default 90); RSS sampled every 5 s, the highest sample of
// the second half reported. V8 gives back the first cycle's heap only once the process is idle
// for a while (its memory reducer), so the figure right after the burst above is the worst case.
const steadyS = Number(process.env.BENCH_STEADY_S ?? 90);
const samples = [];
const cycles0 = cycles;
for (let t = 5; t <= steadyS; t += 5) {
  await new Promise((r) => setTimeout(r, 5000));
  if (t % 15 === 0)
    await (
      await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
      })
    ).arrayBuffer();
  samples.push(rss());
}
if (samples.length) {
  const steady = Math.max(...samples.slice(Math.floor(samples.length / 2)));
  console.log(
    `daemon RSS over ${steadyS} s (scrape every 15 s, ${cycles - cycles0} expiry cycle(s)): ` +
      `${samples.map((x) => x.toFixed(0)).join(' ')} MB; highest of the second half ${steady.toFixed(0)} MB`,
  );
  emit({ target: '10k profiles: daemon RSS, steady', basis: 'mem', value: steady, unit: 'MB', limit: 100, op: '<' });
}
const last = await (
  await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'accept-encoding': 'identity' } })
).text();
const pick = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(last)?.[1] ?? NaN) / 1e6;
const spaces = [...last.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm)]
  .map(([, space, v]) => `${space} ${(Number(v) / 1e6).toFixed(1)}`)
  .join(', ');
console.log(`daemon V8 heap spaces (committed MB): ${spaces}`);
console.log(
  `daemon V8 heap used ${pick('nodejs_heap_size_used_bytes').toFixed(0)} MB of ` +
    `${pick('nodejs_heap_size_total_bytes').toFixed(0)} MB; external ` +
    `${pick('nodejs_external_memory_bytes').toFixed(0)} MB`,
);
child.kill('SIGTERM');
const code = await new Promise((r) => child.on('exit', (c) => r(c)));
console.log(`daemon stopped with exit ${code} after ${cycles} expiry cycle(s)`);
rmSync(home, { recursive: true, force: true });

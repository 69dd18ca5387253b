#!/usr/bin/env node
// Benchmark: probe 1,000 profiles against a local server that answers in 50 ms.
// Ideal time = 1000 × 50 ms / concurrency; the target is elapsed ≤ 1.15 × ideal at concurrency
// 50 and 100, with the CPU time per probe (this process, user + system) reported.
// Usage: node --import tsx bench/probe-1000.mjs [--concurrency N[,N…]] [--profiles 1000] [--delay 50]
// Runs the sources through tsx (the same code `models status --probe` and the monitor run).
import { spawn } from 'node:child_process';
import { validateConfig } from '../src/config/load.ts';
import { probeCredentials } from '../src/providers/probe.ts';
import { emit } from './lib/result.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const profiles = Number(arg('profiles', '1000'));
const delayMs = Number(arg('delay', '50'));
const levels = String(arg('concurrency', '10,50,100')).split(',').map(Number);

// The "provider" runs in its own process (as a real one would): every authenticated
// GET /v1/models answers 200 after delayMs.
const SERVER = `
const { createServer } = require('node:http');
const s = createServer((req, res) => setTimeout(() => {
  const headers = { 'content-type': 'application/json', 'request-id': 'req_bench' };
  res.writeHead(req.headers['x-api-key'] ? 200 : 401, headers);
  res.end('{"data":[{"id":"m"}]}');
}, ${delayMs}));
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const baseUrl = `http://127.0.0.1:${port}`;
const loaded = validateConfig({ models: { providers: { anthropic: { baseUrl } } } }, '<bench>', {});
if (!loaded.ok) throw new Error(loaded.detail);

const views = Array.from({ length: profiles }, (_, i) => ({
  agent: 'main',
  id: `anthropic:p${i}`,
  provider: 'anthropic',
  type: 'api_key',
  source: 'profile',
  secret: { ok: true, value: `sk-ant-api03-bench-${String(i).padStart(40, '0')}` },
  shapeProblem: null,
  hasRefreshToken: false,
}));

// Warm-up (JIT, connection pool) so the first level is not penalised.
await probeCredentials(views.slice(0, 20), { config: loaded.config, timeoutMs: 10_000, concurrency: 20 });

const rows = [];
for (const concurrency of levels) {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const results = await probeCredentials(views, { config: loaded.config, timeoutMs: 10_000, concurrency });
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerProbe = Number(((cpu.user + cpu.system) / 1000 / profiles).toFixed(3));
  const ok = [...results.values()].filter((r) => r.ok).length;
  const ideal = (profiles * delayMs) / concurrency;
  rows.push({
    profiles,
    delayMs,
    concurrency,
    ok,
    elapsedMs: Math.round(elapsed),
    idealMs: Math.round(ideal),
    ratio: Number((elapsed / ideal).toFixed(3)),
    cpuMsPerProbe,
    pass: elapsed / ideal <= 1.15 && ok === profiles,
  });
}
child.kill();

console.log('concurrency  elapsed_ms  ideal_ms  ratio  cpu_ms/probe  ok/total  target<=1.15');
for (const r of rows)
  console.log(
    `${String(r.concurrency).padStart(11)}  ${String(r.elapsedMs).padStart(10)}  ${String(r.idealMs).padStart(8)}  ` +
      `${r.ratio.toFixed(3).padStart(5)}  ${r.cpuMsPerProbe.toFixed(3).padStart(12)}  ${r.ok}/${r.profiles}  ` +
      `${r.pass ? 'PASS' : 'FAIL'}`,
  );
console.log(
  JSON.stringify({
    bench: 'probe-1000',
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
    rows,
  }),
);
for (const r of rows) {
  if (r.concurrency !== 50 && r.concurrency !== 100) continue;
  const t = `1,000 probes at 50 ms, concurrency ${r.concurrency}`;
  emit({
    target: t,
    basis: 'wall',
    value: r.ok === r.profiles ? r.elapsedMs : Infinity,
    unit: 'ms',
    baseline: r.idealMs,
    baselineLabel: 'ideal',
    ratio: true,
    limit: 1.15,
    op: '<=',
  });
  emit({ target: `${t}: CPU per probe`, basis: 'info', value: r.cpuMsPerProbe, unit: 'ms', limit: null, op: '<=' });
}

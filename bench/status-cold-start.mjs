// Cold start of `aipro models status --check` (50-profile store) and `aipro --version`, next to
// bare `node -e 0`, all with an empty environment. Runs are interleaved so machine noise hits
// all alike. Reports wall time (median) and CPU time (user + system of the child, mean) of each,
// their ratio to bare node, and peak RSS.
// Usage: node bench/status-cold-start.mjs [runs]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuMs, emit, mean, median } from './lib/result.mjs';

const runs = Number(process.argv[2] ?? 30);
const cli = process.env.BENCH_CLI ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'aipro-bench-'));
const store = join(home, '.aipro', 'agents', 'main', 'agent');
mkdirSync(store, { recursive: true });

const now = Date.now();
const profiles = {};
for (let i = 0; i < 50; i++) {
  const kind = i % 3;
  const pad = String(i).padStart(4, '0');
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
      expires: now + (i + 2) * 86_400_000,
    };
  else
    profiles[`openai-codex:u${i}@example.com`] = {
      type: 'oauth',
      provider: 'openai-codex',
      access: `acc-${'a'.repeat(40)}${pad}`,
      refresh: `ref-${'r'.repeat(40)}${pad}`,
      expires: now + 3_600_000,
    };
}
writeFileSync(
  join(store, 'auth-profiles.json'),
  JSON.stringify({ version: 1, profiles, order: { anthropic: ['anthropic:tok1', 'anthropic:key0'] } }, null, 2),
);
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

/** One run: wall ms and CPU ms (user + system) of the child. */
function once(args) {
  const c0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 2 && r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { wall, cpu: childrenCpuMs() - c0 };
}
// Peak RSS of the child, reported by the child itself at exit (separate runs, not timed).
const rssHook =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('RSS='+process.resourceUsage().maxRSS+'\\n'))";
function rss(args) {
  const r = spawnSync(process.execPath, ['--import', rssHook, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return Number(/RSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
}

const cases = { bare: ['-e', '0'], status: [cli, 'models', 'status', '--check'], version: [cli, '--version'] };
for (const args of Object.values(cases)) once(args); // warm the page cache (and a code cache, if any)
const got = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(cases)) got[k].push(once(args));
const wall = (k) => median(got[k].map((r) => r.wall));
const cpu = (k) => mean(got[k].map((r) => r.cpu));
const peak = (args) => Math.max(...[0, 1, 2].map(() => rss(args)));
const rssB = peak(cases.bare);
const rssS = peak(cases.status);
const f = (n) => n.toFixed(1).padStart(6);
console.log(`cold start, 50-profile store, ${runs} interleaved runs, node ${process.version}, empty environment`);
console.log(`                                 wall median   CPU mean (user+sys)`);
for (const [k, label] of [
  ['bare', 'node -e 0'],
  ['version', 'aipro --version'],
  ['status', 'aipro models status --check'],
])
  console.log(
    `  ${label.padEnd(30)} ${f(wall(k))} ms   ${f(cpu(k))} ms   (×${(wall(k) / wall('bare')).toFixed(2)} wall, ` +
      `×${(cpu(k) / cpu('bare')).toFixed(2)} CPU)`,
  );
console.log(`  peak RSS: node -e 0 ${rssB.toFixed(1)} MB, status --check ${rssS.toFixed(1)} MB`);

const base = { baselineLabel: 'node -e 0', ratio: true, op: '<=' };
emit({
  target: 'status --check cold, 50 profiles',
  basis: 'wall',
  value: wall('status'),
  unit: 'ms',
  baseline: wall('bare'),
  limit: 2,
  ...base,
});
emit({
  target: 'status --check cold, 50 profiles',
  basis: 'cpu',
  value: cpu('status'),
  unit: 'ms',
  baseline: cpu('bare'),
  limit: 2,
  ...base,
});
emit({
  target: '--version cold',
  basis: 'wall',
  value: wall('version'),
  unit: 'ms',
  baseline: wall('bare'),
  limit: 1.5,
  ...base,
});
emit({
  target: '--version cold',
  basis: 'cpu',
  value: cpu('version'),
  unit: 'ms',
  baseline: cpu('bare'),
  limit: 1.5,
  ...base,
});
emit({
  target: 'status --check peak RSS',
  basis: 'info',
  value: rssS,
  unit: 'MB',
  baseline: rssB,
  baselineLabel: 'node -e 0',
  limit: null,
  op: '<=',
});
rmSync(home, { recursive: true, force: true });

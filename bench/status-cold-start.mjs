// Cold start of `aipro models status --check` on a 50-profile store, next to bare `node -e 0`.
// Runs are interleaved so machine noise hits both alike. Prints median/p90 wall time and peak RSS.
// Usage: node bench/status-cold-start.mjs [runs]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  if (kind === 0) profiles[`anthropic:key${i}`] = { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'k'.repeat(80)}${pad}` };
  else if (kind === 1) profiles[`anthropic:tok${i}`] = { type: 'token', provider: 'anthropic', token: `sk-ant-oat01-${'t'.repeat(80)}${pad}`, expires: now + (i + 2) * 86_400_000 };
  else profiles[`openai-codex:u${i}@example.com`] = { type: 'oauth', provider: 'openai-codex', access: `acc-${'a'.repeat(40)}${pad}`, refresh: `ref-${'r'.repeat(40)}${pad}`, expires: now + 3_600_000 };
}
writeFileSync(join(store, 'auth-profiles.json'), JSON.stringify({ version: 1, profiles, order: { anthropic: ['anthropic:tok1', 'anthropic:key0'] } }, null, 2));
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

function wall(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 2 && r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return ms;
}
// Peak RSS of the child, reported by the child itself at exit (separate runs, not timed).
const rssHook = "data:text/javascript,process.on('exit',()=>process.stderr.write('RSS='+process.resourceUsage().maxRSS+'\\n'))";
function rss(args) {
  const r = spawnSync(process.execPath, ['--import', rssHook, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(/RSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], min: s[0] };
};

const cliArgs = [cli, 'models', 'status', '--check'];
wall(cliArgs); // warm the page cache once
const bare = [], aipro = [];
for (let i = 0; i < runs; i++) {
  bare.push(wall(['-e', '0']));
  aipro.push(wall(cliArgs));
}
const b = stats(bare), a = stats(aipro);
const rssA = Math.max(...[0, 1, 2].map(() => rss(cliArgs)));
const rssB = Math.max(...[0, 1, 2].map(() => rss(['-e', '0'])));
const f = (n) => n.toFixed(1);
console.log(`status --check cold start, 50-profile store, ${runs} runs, node ${process.version}`);
console.log(`  node -e 0                 median ${f(b.median)} ms  p90 ${f(b.p90)} ms  min ${f(b.min)} ms  peak RSS ${f(rssB)} MB`);
console.log(`  aipro models status --check median ${f(a.median)} ms  p90 ${f(a.p90)} ms  min ${f(a.min)} ms  peak RSS ${f(rssA)} MB`);
console.log(`  overhead over bare node   median ${f(a.median - b.median)} ms`);
rmSync(home, { recursive: true, force: true });

// CPU time per test file, the processes it starts included. Opt-in: `AIPRO_TEST_CPU=FILE npm test`
// loads this into every ava worker (scripts/test.mjs adds `--import` to ava's node arguments);
// with `npx ava` pass it yourself:
//   AIPRO_TEST_CPU=/tmp/cpu.jsonl npx ava --node-arguments="--import=$PWD/scripts/cpu-per-file.mjs" test/x.test.ts
// At exit a worker appends one JSON line to FILE: its test file, its own user+sys CPU seconds
// and those of the children it has waited for (/proc/self/stat utime+stime, cutime+cstime:
// Prometheus, CLI bundles, store workers, and their own waited-for children). A child still
// running when the worker exits is not counted. `node scripts/cpu-per-file.mjs FILE [N]` prints
// the N (20) costliest files, each with its wall time (start to exit, seconds: the files that
// wait long on servers or timers show there, not in CPU). Linux only (/proc); elsewhere it records nothing.
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TICK = 100; // USER_HZ: /proc reports clock ticks of 1/100 s on every Linux architecture

/** utime, stime, cutime, cstime of this process in seconds (fields 14–17 of /proc/self/stat). */
function cpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [ut, st, cut, cst] = f.slice(11, 15).map((n) => Number(n) / TICK);
  return { self: ut + st, children: cut + cst };
}

/** The test file of this ava worker; undefined in any other process that loads this file. */
function testFile() {
  const require = createRequire(import.meta.url);
  const path = `${ROOT}node_modules/ava/lib/worker/options.cjs`;
  if (!require.cache[path]) return undefined;
  try {
    const file = String(require(path).get().file);
    return relative(ROOT, file.startsWith('file:') ? fileURLToPath(file) : file);
  } catch {
    return undefined;
  }
}

function record(log) {
  process.on('exit', () => {
    const file = testFile();
    if (!file) return;
    try {
      const { self, children } = cpu();
      const r = (n) => Math.round(n * 100) / 100;
      const wall = process.uptime();
      const start = (Date.now() - wall * 1000) / 1000;
      appendFileSync(
        log,
        `${JSON.stringify({ file, self: r(self), children: r(children), wall: r(wall), start: r(start) })}\n`,
      );
    } catch {
      // Not Linux, or the log cannot be written: measure nothing rather than fail the test.
    }
  });
}

function report(log, top) {
  const rows = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .map((r) => ({ ...r, file: r.file.replace(/^\.cache\/test-js\//, '').replace(/\.test\.[jt]s$/, '') }));
  const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
  const fmt = (n) => n.toFixed(2).padStart(7);
  rows.sort((a, b) => b.self + b.children - (a.self + a.children));
  console.log(
    `${'CPU-s: total'.padStart(14)} ${'self'.padStart(7)} ${'children'.padStart(8)} ${'wall s'.padStart(7)}  file`,
  );
  for (const r of rows.slice(0, top)) {
    const total = fmt(r.self + r.children).padStart(14);
    const wall = (r.wall === undefined ? '' : fmt(r.wall)).padStart(7);
    console.log(`${total} ${fmt(r.self)} ${fmt(r.children).padStart(8)} ${wall}  ${r.file}`);
  }
  const all = sum('self') + sum('children');
  console.log(
    `${fmt(all).padStart(14)} ${fmt(sum('self'))} ${fmt(sum('children')).padStart(8)}  all ${rows.length} files`,
  );
}

const main = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main) report(process.argv[2] ?? process.env.AIPRO_TEST_CPU, Number(process.argv[3] ?? 20));
else if (process.env.AIPRO_TEST_CPU) record(resolve(process.env.AIPRO_TEST_CPU));

// `npm run bench [--cpu] [name…]`: runs every benchmark in bench/ (or the named ones) in
// sequence, then prints ONE table of every target: the figure, its baseline from the same run,
// the ratio, the limit and PASS/MISS. Wall-clock rows are the targets on a quiet machine;
// CPU rows (CPU time of the measured process against its baseline's CPU time) stay meaningful
// when other work loads the machine. `--cpu` judges by CPU rows only (wall rows shown as info).
// Benchmarks never fail on timings: the exit code is non-zero only when a benchmark crashed.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MARK } from './lib/result.mjs';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .sort();
const args = process.argv.slice(2);
const cpuOnly = args.includes('--cpu');
const wanted = args.filter((a) => !a.startsWith('--'));
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
const load0 = loadavg()[0];
const rows = [];
let failed = 0;
for (const file of chosen) {
  console.log(`\n## ${file}`);
  // tsx: benchmarks that run code in-process import the sources (the build ships only the bundle).
  const child = spawn(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith(MARK))
        rows.push({ bench: file.replace(/\.mjs$/, ''), ...JSON.parse(line.slice(MARK.length)) });
      else console.log(line);
    }
  });
  const code = await new Promise((r) => child.on('close', r));
  if (code !== 0) {
    failed++;
    console.log(`(${file} exited ${code})`);
  }
}

const num = (n, unit) =>
  n === undefined || !Number.isFinite(n)
    ? '—'
    : `${n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(n >= 1 ? 2 : 3)}${unit ? ` ${unit}` : ''}`;
const table = rows.map((r) => {
  const judged = cpuOnly ? r.basis === 'cpu' || r.basis === 'mem' : r.basis !== 'info';
  return [
    r.target,
    r.basis,
    num(r.value, r.unit),
    r.baseline === undefined ? '—' : `${num(r.baseline, r.unit)} ${r.baselineLabel ?? ''}`.trim(),
    r.ratioValue === undefined ? '—' : `${r.ratioValue.toFixed(2)}×`,
    r.limit === null ? '—' : `${r.op} ${r.limit}${r.ratio ? '×' : ` ${r.unit}`}`,
    !judged || r.pass === null ? 'info' : r.pass ? 'PASS' : 'MISS',
  ];
});
const head = ['target', 'measure', 'aipro', 'baseline (same run)', 'ratio', 'limit', 'verdict'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `\n# Targets — node ${process.version}, ${cpus().length} cores, load average ${load0.toFixed(1)} → ` +
    `${loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 10)}${cpuOnly ? ', judged by CPU time' : ''}`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(t));
if (load0 > cpus().length)
  console.log(
    `\nThe machine is loaded (load average ${load0.toFixed(1)} on ${cpus().length} cores): wall-clock rows are not ` +
      `meaningful; read the CPU rows (or run with --cpu).`,
  );
process.exitCode = failed ? 1 : 0;

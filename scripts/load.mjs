// Background CPU load for checking that the test suite holds up on a busy machine:
// `node scripts/load.mjs [threads] [seconds]` keeps `threads` busy loops running (default 8:
// a load average of about 8 on top of whatever else runs) for `seconds` (default: until
// SIGINT/SIGTERM). Like `stress --cpu N`, without installing anything.
//   node scripts/load.mjs 8 & LOAD=$!; npm test; kill $LOAD
import { Worker } from 'node:worker_threads';

const threads = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 0);
if (!Number.isInteger(threads) || threads < 1 || !Number.isFinite(seconds) || seconds < 0) {
  process.stderr.write('usage: node scripts/load.mjs [threads ≥ 1] [seconds, 0 = until killed]\n');
  process.exit(64);
}

// Each thread spins on arithmetic; nothing is allocated, so the load is CPU only.
const spin = 'let x = 0; for (;;) { x = (x * 1103515245 + 12345) % 2147483648; }';
const workers = Array.from({ length: threads }, () => new Worker(spin, { eval: true }));
process.stderr.write(`load: ${threads} busy threads${seconds ? ` for ${seconds} s` : ''} (pid ${process.pid})\n`);

const stop = () => {
  for (const w of workers) void w.terminate();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (seconds) setTimeout(stop, seconds * 1000);

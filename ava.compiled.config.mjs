// ava's settings for `npm test`: the tests as compiled by scripts/compile-tests.mjs, run without
// a loader. --enable-source-maps makes a failing test's stack name the .ts file and line;
// scripts/compile-cache.mjs keeps Node's compile cache (Node ≥ 22: ~8% less CPU on Node 24; on
// Node 20, which has none, loading it would only cost time).
import base from './ava.config.mjs';

const compileCache = Number(process.versions.node.split('.')[0]) >= 22 ? ['--import=./scripts/compile-cache.mjs'] : [];

// Files that take longest from start to end (mostly waiting on Prometheus and Alertmanager
// intervals, or on processes they kill and restart) start first, so they run beside the many
// short files instead of alone at the end of the run: started in path order, store/concurrency
// and store/sigkill ran last and kept one core idle for the last ~15 s. From the `wall` column of
// `AIPRO_TEST_CPU=FILE npm test` (docs/development.md); the rest keep path order.
const FIRST = [
  'store/concurrency',
  'exporters/inhibit',
  'exporters/prometheus',
  'exporters/exposition',
  'store/sigkill',
  'daemon/fleet-failover',
  'durable/chaos',
  'store/backends/fleet-refresh',
];
const rank = (file) => {
  const i = FIRST.findIndex((f) => file.endsWith(`/test/${f}.test.js`));
  return i < 0 ? FIRST.length : i;
};

export default {
  ...base,
  extensions: ['js'],
  nodeArguments: ['--enable-source-maps', ...compileCache],
  files: ['.cache/test-js/test/**/*.test.js'],
  // Test files wait on servers and timers part of the time: 5 at once keep 2 cores busy best
  // (whole-suite figures for 4, 5 and 6 in docs/development.md).
  concurrency: 5,
  // Each test file runs in a worker thread of one process instead of a process of its own:
  // 126 instead of 142 CPU-s for the whole suite (a thread skips Node's process start and
  // bootstrap). What is per process (the umask, the working directory, signals) a test changes
  // in a child process of its own (test/exporters/fixtures/textfile-umask.ts). scripts/test.mjs
  // gives that process a larger libuv pool (UV_THREADPOOL_SIZE), which the threads share.
  workerThreads: true,
  sortTestFiles: (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
};

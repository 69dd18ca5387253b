// `npm test`: bundle, compile the tests, then run them (ava) while the type check, the lint (Biome,
// line width) and the dependency check run beside them. The checks are mostly one CPU each and
// ava waits on servers (Prometheus, PostgreSQL, SMTP) part of the time, so running them together
// saves most of their duration on a 2-core machine. Their output is held back and printed after
// ava's, so ava's report (and `npm test -- --tap`) stays one piece. Exit 1 when any of them fails.
//
// The tests run compiled (scripts/compile-tests.mjs: one esbuild pass into .cache/test-js/, only
// changed files) with ava's ava.compiled.config.mjs, so no ava worker loads tsx, and ava's own
// worker code is one bundled file (scripts/ava-cli.mjs, scripts/ava-worker.mjs). Arguments go to
// ava; paths under test/ are mapped to their compiled copies:
// `npm test -- --tap`, `npm test -- test/store`, `npm test -- test/store/parse.test.ts`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compiledArgs, compileTests } from './compile-tests.mjs';
import { startTestServers } from './test-servers.mjs';

const root = process.cwd();

// The tests reach only servers of their own on 127.0.0.1, with their own test CAs passed
// explicitly (smtp.ca, …), so a CA bundle named in NODE_EXTRA_CA_CERTS is of no use to them, and
// every Node process loads it at start: on the build host 90 ms of CPU for `node -e 0` against
// 35 without, paid by each of the hundreds of CLI, gateway and worker processes the tests start.
delete process.env.NODE_EXTRA_CA_CERTS;
const bin = (...p) => join(root, 'node_modules', ...p);

/** Run a step with its output held back; resolves to its exit status and output. */
function quiet(name, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => resolve({ name, code: 1, out: `${out}${err.message}\n`, ms: Date.now() - started }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? 1, out, ms: Date.now() - started, signal }));
  });
}

const bundle = spawnSync(process.execPath, ['scripts/postbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) process.exit(1);

// The type check is TypeScript 7 (the `typescript7` alias; `typescript` 5.9 is only
// dependency-cruiser's parser): a cold check ~4 CPU-s instead of ~17. `tsc -b` skips it when no
// input changed since its last pass (.cache/tsc/, which records errors too, so a failing tree
// fails again): 0.1 CPU-s instead of 1.2 for `-p`. It does not look at node_modules, so after an
// install (npm rewrites node_modules/.package-lock.json) it checks everything again.
const tsbuildinfo = join(root, '.cache', 'tsc', 'test.tsbuildinfo');
const installed = join(root, 'node_modules', '.package-lock.json');
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const force = mtime(installed) >= mtime(tsbuildinfo) ? ['--force'] : [];
const checks = [
  quiet('typecheck', [bin('typescript7', 'bin', 'tsc'), '-b', 'tsconfig.test.json', ...force]),
  quiet('lint', [bin('@biomejs', 'biome', 'bin', 'biome'), 'ci', '.']),
  quiet('line width', ['scripts/line-width.mjs']),
  quiet('depcheck', ['scripts/depcheck.mjs']),
];
await compileTests(root);

// Servers shared by every test file start here, before ava, and add what the workers need
// (their URLs) to `env`; they stop after ava (below). One PostgreSQL cluster for the whole run,
// not one per test file.
const servers = await startTestServers();
// The test files run as worker threads of ava's process (ava.compiled.config.mjs) and share its
// libuv pool (fs, crypto, dns): five files at once get the four threads each that they had as
// processes of their own. scripts/ava-cli.mjs keeps the setting from the processes tests start.
const env = { ...process.env, UV_THREADPOOL_SIZE: '20', ...servers.env };

const ava = await new Promise((resolve) => {
  // AIPRO_TEST_CPU=FILE: each worker logs its CPU time and its children's (scripts/cpu-per-file.mjs),
  // which /proc has per process: the files then run as processes, not threads.
  const cpuLog = process.env.AIPRO_TEST_CPU
    ? [`--node-arguments=--import=${join(root, 'scripts', 'cpu-per-file.mjs')}`, '--no-worker-threads']
    : [];
  const args = ['--config', 'ava.compiled.config.mjs', ...cpuLog, ...compiledArgs(process.argv.slice(2))];
  const child = spawn(process.execPath, ['scripts/ava-cli.mjs', ...args], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  child.on('close', (code) => resolve(code ?? 1));
});
servers.stop();

let failed = ava !== 0;
for (const c of await Promise.all(checks)) {
  const verdict = c.code === 0 ? 'ok' : `FAILED (exit ${c.code}${c.signal ? `, ${c.signal}` : ''})`;
  process.stderr.write(`\n${c.name}: ${verdict} in ${(c.ms / 1000).toFixed(1)} s\n`);
  if (c.code !== 0 || c.name === 'depcheck') process.stderr.write(c.out);
  if (c.code !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

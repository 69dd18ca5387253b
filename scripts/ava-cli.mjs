// Runs ava's command line with its test worker bundled (scripts/ava-worker.mjs): the same ava,
// arguments and output as `ava …`, but each test file's process loads one file of ava's code
// instead of ~390. `npm test` (scripts/test.mjs) starts ava through this.
//
// ava picks its worker in lib/fork.js, which exports a setter for it (named for ava's own
// tests). When a later ava lacks it, ava runs with its own worker: slower, never different.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { avaWorker } from './ava-worker.mjs';

const root = process.cwd();

// scripts/test.mjs sizes this process's libuv pool for the test files' threads, which share it.
// libuv reads UV_THREADPOOL_SIZE when the first request reaches the pool: make one, then drop the
// variable, so the threads' and the tests' child processes get the default pool.
await stat(root);
delete process.env.UV_THREADPOOL_SIZE;
const lib = (file) => pathToFileURL(join(root, 'node_modules', 'ava', 'lib', file)).href;

const fork = await import(lib('fork.js'));
if (typeof fork._testOnlyReplaceWorkerPath === 'function') {
  fork._testOnlyReplaceWorkerPath(pathToFileURL(await avaWorker(root)));
} else {
  process.stderr.write('ava-cli: this ava cannot take another worker; running its own (slower)\n');
}
const { default: run } = await import(lib('cli.js'));
await run();

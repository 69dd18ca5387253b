// Runs ava's command line with its test worker bundled (scripts/ava-worker.mjs): the same ava,
// arguments and output as `ava …`, but each test file's process loads one file of ava's code
// instead of ~390. `npm test` (scripts/test.mjs) starts ava through this.
//
// ava picks its worker in lib/fork.js, which exports a setter for it (named for ava's own
// tests). When a later ava lacks it, ava runs with its own worker: slower, never different.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { avaWorker } from './ava-worker.mjs';

const root = process.cwd();
const lib = (file) => pathToFileURL(join(root, 'node_modules', 'ava', 'lib', file)).href;

const fork = await import(lib('fork.js'));
if (typeof fork._testOnlyReplaceWorkerPath === 'function') {
  fork._testOnlyReplaceWorkerPath(pathToFileURL(await avaWorker(root)));
} else {
  process.stderr.write('ava-cli: this ava cannot take another worker; running its own (slower)\n');
}
const { default: run } = await import(lib('cli.js'));
await run();

// ava's test worker bundled into one file (.cache/ava-worker/base.mjs) for `npm test`.
// Why: ava starts one Node process per test file, and each loads ava's worker from
// node_modules: about 390 modules (lodash alone 131, for concordance; semver 47; fast-glob,
// cbor, …), each resolved, stat'ed, read and compiled apart. On Node 20 that costs ~0.45 CPU-s
// per test file before the test file itself loads; bundled it is ~0.2 (Node 24, which keeps a
// compile cache, ~0.27 → ~0.18). The code is ava's own, unchanged; only the files are joined.
//
// Four of ava's modules hold per-process state that ava's entry points reach through
// node_modules (`import test from 'ava'`: lib/worker/main.cjs; `ava/plugin`: plugin.cjs):
// state.cjs (the runner the test registers with), completion-handlers.js, options.cjs (the
// worker's options, its test file among them) and channel.cjs (the IPC channel to ava). They stay
// outside the bundle, imported by their node_modules path, so the worker and the test file share
// one instance of each, as they do unbundled.
//
// Rebuilt when ava, esbuild, the installed packages (node_modules/.package-lock.json) or this
// script change. scripts/ava-cli.mjs starts ava with this worker.
import { build, version } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const WORKER = join('.cache', 'ava-worker', 'base.mjs');
/** ava's modules whose one instance the worker shares with the test file's `import 'ava'`. */
const SHARED = ['state.cjs', 'completion-handlers.js', 'options.cjs', 'channel.cjs'];

function stampOf(root) {
  const mtime = (file) => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return 0;
    }
  };
  const ava = JSON.parse(readFileSync(join(root, 'node_modules', 'ava', 'package.json'), 'utf8')).version;
  const installed = mtime(join(root, 'node_modules', '.package-lock.json'));
  return `ava ${ava} esbuild ${version} installed ${installed} script ${mtime(new URL(import.meta.url))}`;
}

/** Bundles ava's worker unless the bundle is current; returns its absolute path. */
export async function avaWorker(root = process.cwd()) {
  const out = join(root, WORKER);
  const stampFile = `${out}.stamp`;
  const stamp = stampOf(root);
  try {
    if (readFileSync(stampFile, 'utf8') === stamp && statSync(out).isFile()) return out;
  } catch {
    // no bundle yet
  }
  const lib = join(root, 'node_modules', 'ava', 'lib', 'worker');
  const shared = new Set(SHARED.map((f) => join(lib, f)));
  const result = await build({
    entryPoints: [join(lib, 'base.js')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: out,
    write: false,
    // ava's CommonJS dependencies call require(); inside an ES module bundle it must exist.
    banner: {
      js:
        "import { createRequire as avaBundleRequire } from 'node:module';\n" +
        'const require = avaBundleRequire(import.meta.url);',
    },
    plugins: [
      {
        name: 'ava-shared-state',
        setup(b) {
          b.onResolve({ filter: /(state|options|channel)\.cjs$|completion-handlers\.js$/ }, (args) => {
            const path = join(args.resolveDir, args.path);
            // Relative, so a moved or copied checkout still loads its own node_modules.
            return shared.has(path) ? { path: relative(dirname(out), path), external: true } : undefined;
          });
        },
      },
    ],
    logLevel: 'warning',
  });
  // Written aside and renamed, so a worker never loads a half-written bundle.
  const temp = `${out}.${process.pid}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(temp, result.outputFiles[0].contents);
  renameSync(temp, out);
  writeFileSync(stampFile, stamp);
  return out;
}

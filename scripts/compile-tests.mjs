// Compiles the tests and every TypeScript source they can import to plain ES modules in
// .cache/test-js/ (same relative paths, .ts → .js), so `npm test` runs ava without a loader.
// Why: tsx in each ava worker (one Node process per test file) registers loader hooks on a
// separate thread and transforms every .ts file that worker loads, again in every worker:
// measured ≈ 0.3–0.75 CPU-s per test file. One esbuild pass over all files here costs less
// than one such worker.
//
// Files under test/ keep their ORIGINAL import.meta.url/dirname/filename, so fixtures, the
// workers they spawn and the docs they read are found in the source tree, never copied. Files
// under src/, monitors/ and exporters/ see their compiled location: they resolve sibling modules
// relative to themselves (createRequire) and find the package root by walking up to aipro's
// package.json. Inline source maps point at the .ts files, so with --enable-source-maps a
// failing test's stack names the .ts file and line.
//
// Only files whose content changed since the last pass are rewritten; files whose source is
// gone are removed. `node scripts/compile-tests.mjs` runs it alone.
import { transform, version } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

export const OUT = join('.cache', 'test-js');
/** What the tests may import. A relative import of anything else needs an entry in LINKED. */
const COMPILED = ['src', 'monitors', 'exporters', 'test'];
/** Plain-JS folders a test imports (test/docs imports scripts/gen-config-docs.mjs): linked, not copied. */
const LINKED = ['scripts'];
const MANIFEST = 'manifest.json';

function* tsFiles(root, dir) {
  if (!existsSync(join(root, dir))) return;
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(root, rel);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield rel;
  }
}

function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

/** Compiles what changed; returns { files, compiled, removed, ms }. */
export async function compileTests(root = process.cwd()) {
  const started = Date.now();
  const out = join(root, OUT);
  const tsconfig = readJson(join(root, 'tsconfig.json'), {});
  const tsconfigRaw = { compilerOptions: { target: tsconfig.compilerOptions?.target ?? 'ES2022' } };
  const manifestPath = join(out, MANIFEST);
  // A change to this script or to esbuild recompiles everything.
  const stamp = `${statSync(new URL(import.meta.url)).mtimeMs}:${version}`;
  const previous = readJson(manifestPath, {});
  // Without a manifest of this stamp, nothing says which files in OUT are stale: start empty, or
  // a test whose source is gone would still run.
  if (previous.stamp !== stamp) rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const before = previous.stamp === stamp ? previous.files : {};
  const after = {};
  const jobs = [];
  for (const top of COMPILED) {
    for (const rel of tsFiles(root, top)) {
      const source = join(root, rel);
      const st = statSync(source);
      after[rel] = `${st.size}:${st.mtimeMs}`;
      if (before[rel] === after[rel]) continue;
      jobs.push(compileOne(root, out, rel, readFileSync(source, 'utf8'), tsconfigRaw));
    }
  }
  await Promise.all(jobs);
  let removed = 0;
  for (const rel of Object.keys(before)) {
    if (after[rel]) continue;
    rmSync(join(out, rel.replace(/\.ts$/, '.js')), { force: true });
    removed++;
  }
  for (const dir of LINKED) {
    try {
      symlinkSync(join(root, dir), join(out, dir), 'dir');
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
  writeFileSync(manifestPath, `${JSON.stringify({ stamp, files: after })}\n`);
  return { files: Object.keys(after).length, compiled: jobs.length, removed, ms: Date.now() - started };
}

async function compileOne(root, out, rel, code, tsconfigRaw) {
  const source = join(root, rel);
  const target = join(out, rel.replace(/\.ts$/, '.js'));
  const define = {};
  if (rel.startsWith('test/')) {
    define['import.meta.url'] = JSON.stringify(pathToFileURL(source).href);
    define['import.meta.dirname'] = JSON.stringify(dirname(source));
    define['import.meta.filename'] = JSON.stringify(source);
  }
  const result = await transform(code, {
    loader: 'ts',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    sourcesContent: false,
    sourcefile: relative(dirname(target), source),
    tsconfigRaw,
    define,
    // src/store/validate.ts calls require() only where it exists (the CommonJS bundle).
    logOverride: { 'unsupported-require-call': 'silent' },
    logLevel: 'warning',
  });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, result.code);
}

/** ava options that take a value: the value is never a path to map. */
const WITH_VALUE = new Set(['--match', '-m', '--timeout', '-T', '--concurrency', '-c', '--node-arguments', '--config']);
/** `test/store` → `.cache/test-js/test/store`, `test/x.test.ts:12` → `.cache/test-js/test/x.test.js:12`. */
export function compiledArgs(args) {
  return args.map((arg, i) => {
    if (arg.startsWith('-') || WITH_VALUE.has(args[i - 1] ?? '')) return arg;
    const m = /^(?:\.\/)?(test(?:\/.*)?)$/.exec(arg);
    if (!m?.[1]) return arg;
    return join(OUT, m[1].replace(/\.ts(?=$|:)/, '.js'));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await compileTests();
  process.stderr.write(`compiled ${r.compiled} of ${r.files} files (${r.removed} removed) in ${r.ms} ms\n`);
}

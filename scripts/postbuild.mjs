// Bundles the CLI into ONE CommonJS file, dist/cli/main.js.
// Why: resolving and compiling ~40 small modules costs more than `models status --check`'s
// whole time budget on a cold start. An ESM bundle split into chunks still loaded ~17 files
// through the ESM loader (82-101 ms median); one CommonJS file measured 70-78 ms. esbuild wraps
// each module in a lazy initialiser, so a command group's code and its dynamic imports run
// only when that command does. Heavy runtime libraries stay external (plain require() calls
// inside those initialisers): only the commands that need them load them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const external = [
  'express',
  'prom-client',
  'nodemailer',
  'node-cron',
  '@inquirer/prompts',
  'oidc-provider',
  // node-postgres: only the postgres store backend loads it; its optional pg-native stays unresolved.
  'pg',
];

// commander requires node:child_process at load time (for executable subcommands, which aipro
// does not use). Loading it pulls in net, stream and dgram: ~10 ms of every command's start.
// Give commander a proxy that loads the real module on first property access instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'lazy-child-process', namespace: 'aipro-lazy' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'aipro-lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_t, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

rmSync('dist/cli', { recursive: true, force: true });
mkdirSync('dist/cli', { recursive: true });
// The package is "type": "module"; this folder holds CommonJS.
writeFileSync('dist/cli/package.json', '{ "type": "commonjs" }\n');
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/aipro.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external,
  plugins: [lazyChildProcess],
  inject: ['scripts/import-meta-shim.cjs'],
  define: { 'import.meta.url': 'importMetaUrl' },
  // Dynamic import() of the external libraries becomes require(): the launcher runs the bundle
  // as a vm.Script (for its code cache), where import() would need an experimental loader
  // flag; every external ships CommonJS, and require() also skips spinning up the ESM loader.
  supported: { 'dynamic-import': false },
  minify: true,
  logLevel: 'warning',
});
// The executable is a small launcher (scripts/launcher.cjs): `--version` without the bundle,
// everything else through a V8 code cache of it. The bundle needs no hashbang of its own, and
// is written as the function the launcher calls with the CommonJS module arguments (wrapping
// it at run time would copy the whole source into a second string on every start).
const code = readFileSync('dist/cli/aipro.js', 'utf8').replace(/^#![^\n]*\n/, '');
if (/(?<![\w$.])import\(/.test(code))
  throw new Error('dist/cli/aipro.js still calls import(): the launcher cannot run it from its code cache');
const bundle = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
writeFileSync('dist/cli/aipro.js', bundle);
const version = /VERSION = '([^']+)'/.exec(readFileSync('src/version.ts', 'utf8'))?.[1];
if (!version) throw new Error('src/version.ts: VERSION not found');
const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
writeFileSync(
  'dist/cli/main.js',
  readFileSync('scripts/launcher.cjs', 'utf8')
    .replace('__AIPRO_VERSION__', version)
    .replace('__AIPRO_BUNDLE_HASH__', hash),
);
chmodSync('dist/cli/main.js', 0o755);

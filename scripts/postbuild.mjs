// Bundles the CLI into dist/cli/ (ESM, one chunk per lazily imported command group).
// Why: resolving and compiling ~40 small modules costs more than `models status --check`'s
// whole time budget on a cold start; one bundled chunk loads in a few milliseconds.
// Heavy runtime libraries stay external: they are only loaded by the commands that need them.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const external = [
  'express',
  'prom-client',
  'nodemailer',
  'node-cron',
  '@inquirer/prompts',
  'proper-lockfile',
  'write-file-atomic',
  'oidc-provider',
];

// commander requires node:child_process at load time (for executable subcommands, which aipro
// does not use). Loading it pulls in net, stream and dgram: ~10 ms of every command's start.
// Give commander a proxy that loads the real module on first property access instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'aipro-lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'aipro-lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_t, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

rmSync('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external,
  plugins: [lazyChildProcess],
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: "import { createRequire as __aiproRequire } from 'node:module'; const require = __aiproRequire(import.meta.url);" },
  minify: true,
  logLevel: 'warning',
});
chmodSync('dist/cli/main.js', 0o755);

// Benchmarks call aipro's internals (expiry cycle, metric registry, probes) in-process. The
// build ships only the CLI bundle, so this compiles the TypeScript entry a benchmark needs with
// esbuild into dist/bench/ (packages stay external and resolve from the project's node_modules).
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Import `relPath` (a .ts file under the project root) compiled from source. */
export async function importSrc(relPath) {
  const outfile = `${root}dist/bench/${relPath.replace(/[\\/]/g, '_').replace(/\.ts$/, '.mjs')}`;
  await build({
    entryPoints: [`${root}${relPath}`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

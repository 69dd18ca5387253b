/**
 * Test fixtures that run as their own processes (store hammers, refresh workers, a fleet
 * leader): `nodeArgs(fixture)` bundles one with esbuild, once per test process, into a plain
 * ES module, and returns the arguments that run it with node. Each child then starts without
 * tsx, which otherwise loads and compiles the sources again in every child (about 0.6 CPU-s
 * each; some files start 20). The children still run our real modules, only bundled.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bundles = new Map<string, Promise<string>>();

async function bundle(entry: string): Promise<string> {
  // Under the repository (ignored by git) so the bundle's imports of npm packages resolve to
  // its node_modules; one file per process, removed when it exits.
  const dir = join(ROOT, '.cache', 'test-fixtures');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(entry, '.ts')}-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  process.once('exit', () => rmSync(out, { force: true }));
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
    // The sources load some modules with require() (lazily); an ES module has none of its own.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return out;
}

/** `[bundle]`: pass to spawn/execFile after process.execPath, followed by the fixture's own arguments. */
export async function nodeArgs(fixture: string): Promise<string[]> {
  let b = bundles.get(fixture);
  if (!b) bundles.set(fixture, (b = bundle(fixture)));
  return [await b];
}

/**
 * Where this aipro is on disk, for service definitions (systemd units, launchd plists):
 * the package root and the CLI entry a job should run. Both work from the source tree (tsx),
 * the bundle (`dist/cli/main.js`) and an npm install, because they walk up to aipro's
 * package.json.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding aipro's package.json, found by walking up from this module. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'aipro') return dir;
      } catch {
        // Not ours (or unreadable): keep walking.
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find aipro's package.json above ${from}; reinstall aipro`);
    dir = up;
  }
}

/**
 * The aipro CLI a unit should run: the script this process was started as when that is
 * aipro's JS entry (symlinks of an npm bin resolved), else the package's bundled CLI.
 */
export function aiproEntry(argv1: string | undefined = process.argv[1]): string {
  if (argv1) {
    try {
      const real = realpathSync(argv1);
      if (/\.(c|m)?js$/.test(real) && (basename(real).startsWith('main.') || basename(argv1) === 'aipro')) return real;
    } catch {
      // argv[1] gone or not a file: fall back to the bundle.
    }
  }
  return join(packageRoot(), 'dist', 'cli', 'main.js');
}

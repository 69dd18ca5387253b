/**
 * The package's `systemd/` unit templates. The absolute path of the aipro being run (for
 * ExecStart=) is in src/util/entry.ts, shared with the launchd installer.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/entry.js';

export { aiproEntry, packageRoot } from '../util/entry.js';

/** `<package>/systemd`: the unit templates. */
export function templateDir(): string {
  return join(packageRoot(), 'systemd');
}

/** Every template and include in `dir` (file name → text); `termux/` is not a unit. */
export function readTemplates(dir: string = templateDir()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = readFileSync(path, 'utf8');
  }
  return out;
}

/**
 * A small real tmpfs for full-disk and read-only tests. Mounting needs root (CI runs as root);
 * elsewhere the tests skip with a message, unless AIPRO_REQUIRE_INTEGRATION=1 (then they fail).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

export interface Tmpfs {
  dir: string;
  /** Fill every free byte with a filler file (ENOSPC for the next write). */
  fill(): void;
  /** Free the filler. */
  free(): void;
  /** Fill, then give back `bytes` (whole pages), so a small write fits and a big one does not. */
  leave(bytes: number): void;
  readOnly(on: boolean): void;
  unmount(): void;
}

export function mountTmpfs(t: ExecutionContext, sizeKb = 256): Tmpfs | null {
  const dir = mkdtempSync(join(tmpdir(), 'aipro-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); the full-disk tests need root`;
    if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') t.fail(why);
    else t.log(`skipped: ${why}`);
    return null;
  }
  const filler = join(dir, 'filler');
  const fs: Tmpfs = {
    dir,
    fill() {
      // Whole pages first, then single bytes: tmpfs accounts in pages.
      for (const chunk of [65536, 4096, 1]) {
        for (;;) {
          try {
            writeFileSync(filler, Buffer.alloc(chunk), { flag: 'a' });
          } catch {
            break;
          }
        }
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    leave(bytes) {
      fs.fill();
      truncateSync(filler, Math.max(0, statSync(filler).size - bytes));
    },
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir], { stdio: 'pipe' });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  t.teardown(() => fs.unmount());
  return fs;
}

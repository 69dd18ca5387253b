/**
 * Cross-process locks (proper-lockfile): a `<path>.lock` directory, stale after 30 s,
 * bounded retries with jitter. Used for the auth store, the config file, alert state
 * and per-profile OAuth refresh.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

export const LOCK_STALE_MS = 30_000;

export class LockTimeoutError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`could not lock ${path} (another aipro process holds it: ${(cause as Error)?.message ?? cause}); try again, or run \`aipro doctor --fix\` to clear a stale lock`);
  }
}

/** Run `fn` while holding the lock for `path` (the file need not exist yet). */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, opts: { retries?: number } = {}): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: LOCK_STALE_MS,
      retries: { retries: opts.retries ?? 400, factor: 1.15, minTimeout: 5, maxTimeout: 120, randomize: true },
    });
  } catch (err) {
    throw new LockTimeoutError(path, err);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

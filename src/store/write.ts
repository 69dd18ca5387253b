/**
 * Mutating the auth store: lock, re-read under the lock, apply a pure change,
 * keep the previous good copy as `.bak`, write atomically with mode 0600, fsync the
 * directory, release. A store that does not parse is never overwritten.
 */
import { readFileSync } from 'node:fs';
import { writeFileDurableAsync, writeFileDurableSync, type DurableFs } from '../util/durable.js';
import { withLock } from './lock.js';
import { readStore, storeErrorMessage, storeForDisk, type StoreReadError } from './read.js';
import { readStoreOffLoop } from './read-async.js';
import { cloneStore, type Store } from './schema.js';

export class StoreUnreadableError extends Error {
  constructor(readonly failure: StoreReadError) {
    super(storeErrorMessage(failure, 'updating the auth store'));
  }
}

/** Serialise a store the way every writer does (stable, human-diffable). */
export function serializeStore(store: Store): string {
  return `${JSON.stringify(storeForDisk(store), null, 2)}\n`;
}

/**
 * Atomically replace `path` with `data` through the one durable writer (every byte checked,
 * fsync, rename, fsync dir; on failure the old file is untouched and a DurableWriteError names
 * the file and the cause). `f` is the fs layer, a parameter for fault-injection tests; without
 * it the fsyncs run off the event loop, so a long-running process (the gateway) never stalls
 * every request on a slow disk.
 */
export async function writeFileDurable(
  path: string,
  data: string | Uint8Array,
  mode = 0o600,
  f?: DurableFs,
): Promise<void> {
  if (f) writeFileDurableSync(path, data, mode, f);
  else await writeFileDurableAsync(path, data, mode);
}

/**
 * Apply `change` to the store at `path` under its lock. `change` receives a fresh copy
 * read under the lock and returns the new store plus a value for the caller; returning
 * `null` as the store means "no change" (nothing is written).
 */
export async function updateStore<R>(
  path: string,
  change: (store: Store, exists: boolean) => { store: Store | null; result: R },
  f?: DurableFs,
): Promise<R> {
  return withLock(path, async () => {
    // Off the event loop, but with an injected fs layer (fault-injection tests) read as that layer's writes are.
    const { read, bytes } = f ? { read: readStore(path), bytes: null } : await readStoreOffLoop(path);
    if (!read.ok) throw new StoreUnreadableError(read);
    const { store, result } = change(cloneStore(read.store), read.exists);
    if (store === null) return result;
    if (read.exists) {
      // Keep the last good copy: the bytes that parsed a moment ago, under the same lock.
      await writeFileDurable(`${path}.bak`, bytes ?? readFileSync(path, 'utf8'), 0o600, f);
    }
    await writeFileDurable(path, serializeStore(store), 0o600, f);
    return result;
  });
}

/**
 * Reading a store file on libuv's thread pool, for long-running processes (the gateway) that
 * must not stall every request in flight while a busy disk answers. `readStore`'s own rules
 * (`storeReadFailure`, `parseStoreBytes`): a missing file is an empty store, an unreadable one a
 * failed read.
 */
import { readFile } from 'node:fs';
import { parseStoreBytes, type StoreRead, storeReadFailure } from './read.js';

/** The store at `path` and the bytes it was parsed from (null when there were none). */
export function readStoreOffLoop(path: string): Promise<{ read: StoreRead; bytes: Buffer | null }> {
  return new Promise((ok) =>
    readFile(path, (err, bytes) =>
      ok(err ? { read: storeReadFailure(path, err), bytes: null } : { read: parseStoreBytes(bytes, path), bytes }),
    ),
  );
}

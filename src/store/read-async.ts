/**
 * Reading a store file on libuv's thread pool, for long-running processes (the gateway) that
 * must not stall every request in flight while a busy disk answers. The same rules as
 * `readStore`: a missing file is an empty store, an unreadable one a failed read.
 */
import { readFile } from 'node:fs';
import { parseStoreBytes, type StoreRead } from './read.js';
import { emptyStore } from './schema.js';

/** The store at `path` and the bytes it was parsed from (null when there were none). */
export function readStoreOffLoop(path: string): Promise<{ read: StoreRead; bytes: Buffer | null }> {
  return new Promise((ok) =>
    readFile(path, (err, bytes) => {
      if (!err) return ok({ read: parseStoreBytes(bytes, path), bytes });
      if (err.code === 'ENOENT')
        return ok({ read: { ok: true, path, exists: false, store: emptyStore() }, bytes: null });
      ok({
        read: { ok: false, path, reason: 'unreadable', detail: `${err.code ?? 'error'}: ${err.message}` },
        bytes: null,
      });
    }),
  );
}

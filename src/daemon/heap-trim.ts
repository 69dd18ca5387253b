/**
 * A full garbage collection after a scrape that left the heap well above what was live after
 * the last one. A 10,000-profile scrape renders ~12 MB of text; V8 keeps that garbage (and the
 * pages under it) until its own limits or its idle-time memory reducer act, which left the
 * daemon 20 MB of RSS over its live heap for minutes. Collecting it at once costs a few ms
 * of CPU per scrape; it needs node's `--expose-gc` (the systemd unit passes it) and does
 * nothing without it.
 */
import { getHeapStatistics } from 'node:v8';

/** Collect only when the heap grew by this share of what was live after the last collection… */
const GROWTH = 0.5;
/** …and by at least this much: a small fleet's scrape never pays for a collection. */
const MIN_GROWTH_BYTES = 4 * 1024 * 1024;

export interface HeapTrimDeps {
  /** A full collection (node's `gc` under `--expose-gc`); absent: the trimmer does nothing. */
  gc?: (() => void) | undefined;
  /** Bytes in use on the V8 heap now. */
  heapUsed?: () => number;
}

/** What to call after each scrape. */
export function heapTrimmer(deps: HeapTrimDeps = {}): () => void {
  const gc = 'gc' in deps ? deps.gc : (globalThis as { gc?: () => void }).gc;
  const heapUsed = deps.heapUsed ?? (() => getHeapStatistics().used_heap_size);
  if (typeof gc !== 'function') return () => {};
  let live = 0;
  return () => {
    const used = heapUsed();
    if (live > 0 && used - live < Math.max(live * GROWTH, MIN_GROWTH_BYTES)) return;
    gc();
    live = heapUsed();
  };
}

/**
 * A compacting garbage collection once the daemon is idle again after a scrape or a monitor
 * run, when V8's committed heap grew well past what was live after the last one. A 10,000-profile
 * cycle or scrape promotes megabytes of short-lived objects; V8 keeps the pages they sat on
 * (sparsely live, so a plain full collection frees little of them) until its idle-time memory
 * reducer acts, which may take minutes or never come. Measured at 10,000 profiles: the steady
 * RSS ~7 MB lower than the old after-scrape collection and ~10 MB lower than a plain one, for
 * 70–80 ms of CPU per collection and a higher momentary peak (bench/README.md, fifth pass).
 * It needs node's `--expose-gc` (the systemd unit passes it) and does nothing without it.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Collect only when the committed heap grew by this share of what was live after the last collection… */
const GROWTH = 0.25;
/** …and by at least this much: a small fleet's scrape never pays for a collection. */
const MIN_GROWTH_BYTES = 4 * 1024 * 1024;
/**
 * How long after a scrape or a run to look: by then its own objects are dead (an expiry run's
 * observations live on in the alert lane for a moment), and a burst of scrapes is looked at once.
 */
export const TRIM_DELAY_MS = 1000;

export interface HeapSize {
  /** Bytes of live and not yet collected objects. */
  used: number;
  /** Bytes V8 holds for the heap (what shows in RSS). */
  committed: number;
}

export interface HeapTrimDeps {
  /** A full collection (node's `gc` under `--expose-gc`); absent: the trimmer does nothing. */
  gc?: (() => void) | undefined;
  /** The V8 heap now. */
  heap?: () => HeapSize;
  /** Run `fn` in `ms` without keeping the process alive. */
  later?: (fn: () => void, ms: number) => void;
}

/** What to call after each scrape and each monitor run: it arranges one look `TRIM_DELAY_MS` later. */
export function heapTrimmer(deps: HeapTrimDeps = {}): () => void {
  const gc = 'gc' in deps ? deps.gc : (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return () => {};
  const heap = deps.heap ?? v8Heap;
  const later = deps.later ?? ((fn, ms) => setTimeout(fn, ms).unref());
  let live = 0;
  let committedAfter = 0;
  let pending = false;
  const look = () => {
    pending = false;
    if (live > 0 && heap().committed - committedAfter < Math.max(live * GROWTH, MIN_GROWTH_BYTES)) return;
    compacting(gc);
    const after = heap();
    live = after.used;
    committedAfter = after.committed;
  };
  return () => {
    if (pending) return;
    pending = true;
    later(look, TRIM_DELAY_MS);
  };
}

function v8Heap(): HeapSize {
  const s = getHeapStatistics();
  return { used: s.used_heap_size, committed: s.total_heap_size };
}

/**
 * One full collection that also moves the survivors of sparsely used pages together, so those
 * pages go back to the system. V8 compacts only the pages its heuristics pick unless told to
 * compact on every full collection; the flag is set for this one call only (V8 reads it when a
 * collection starts), so V8's own collections keep their cost.
 */
function compacting(gc: () => void): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

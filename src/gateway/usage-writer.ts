/**
 * Recording request outcomes in the auth store without a locked fsync'd write per
 * request. Failures are written at once (they change which profile the next request
 * gets, in this process and in others). Successes (`lastUsed`, `lastGood`, cleared
 * cooldowns) are batched and flushed shortly after; until then `overlay()` shows them
 * to the order function so least-recently-used rotation stays exact in this process.
 */
import type { ProbeReason } from '../providers/types.js';
import { profileProvider, type Store, type UsageStats } from '../store/schema.js';
import { markProfileOutcome, recordSuccess } from '../store/usage.js';
import { updateStore } from '../store/write.js';

/** Flush delay and where write errors go. */
export interface UsageWriterOptions {
  /** How long successes wait before they are written (default 1000 ms). */
  flushMs?: number;
  onError?: (err: unknown, storePath: string) => void;
}

/** Apply pending successes (profile id -> time) to a store. Pure. */
export function applySuccesses(store: Store, pending: ReadonlyMap<string, number>): Store {
  if (pending.size === 0) return store;
  const usageStats = { ...(store.usageStats ?? {}) };
  const lastGood = { ...(store.lastGood ?? {}) };
  const newest: Record<string, number> = {};
  for (const [id, at] of pending) {
    usageStats[id] = recordSuccess(usageStats[id], at);
    const provider = store.profiles[id]?.provider ?? profileProvider(id);
    if ((newest[provider] ?? -1) < at) {
      newest[provider] = at;
      lastGood[provider] = id;
    }
  }
  return { ...store, usageStats, lastGood };
}

/** Outcome bookkeeping for one gateway process (see the file comment). */
export class UsageWriter {
  private readonly pending = new Map<string, Map<string, number>>();
  /** Successes being written right now: still shown by `overlay()` until the write lands. */
  private readonly inflight = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: UsageWriterOptions = {}) {}

  /** Remember a success; written on the next flush. */
  success(storePath: string, profileId: string, now: number): void {
    let m = this.pending.get(storePath);
    if (!m) this.pending.set(storePath, (m = new Map()));
    m.set(profileId, now);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Record a failure now (cooldown/disable). A pending success of the profile is older: dropped. */
  async failure(storePath: string, profileId: string, reason: ProbeReason, now: number): Promise<UsageStats> {
    this.pending.get(storePath)?.delete(profileId);
    this.inflight.get(storePath)?.delete(profileId);
    return markProfileOutcome(storePath, profileId, { ok: false, reason }, now);
  }

  /** The store as it will be once pending successes are written. */
  overlay(storePath: string, store: Store): Store {
    const f = this.inflight.get(storePath);
    const m = this.pending.get(storePath);
    const s = f ? applySuccesses(store, f) : store;
    return m ? applySuccesses(s, m) : s;
  }

  /** Write every pending success (one locked write per store). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.entries()].filter(([, m]) => m.size > 0);
    this.pending.clear();
    for (const [path, m] of batch) this.inflight.set(path, m);
    const run = async () => {
      for (const [path, m] of batch) {
        try {
          await updateStore(path, (store) => ({ store: applySuccesses(store, m), result: undefined }));
        } catch (err) {
          this.opts.onError?.(err, path);
        } finally {
          if (this.inflight.get(path) === m) this.inflight.delete(path);
        }
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }
}

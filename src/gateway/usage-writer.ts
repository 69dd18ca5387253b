/**
 * Recording request outcomes in the auth store without a locked fsync'd write per
 * request. Failures are written at once (they change which profile the next request
 * gets, in this process and in others), with the quota their answer showed. Successes
 * (`lastUsed`, `lastGood`, cleared cooldowns) and the quota of other answers are batched
 * and flushed shortly after; until then `overlay()` shows them to the order function so
 * least-recently-used rotation, and skipping a spent quota, stay exact in this process.
 */
import type { ProbeReason } from '../providers/types.js';
import { profileProvider, type QuotaRecord, type Store, type UsageStats } from '../store/schema.js';
import { markProfileOutcome, recordSuccess, withQuota } from '../store/usage.js';
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

/** Apply pending quota observations (profile id -> record) to a store. Pure. */
export function applyQuota(store: Store, pending: ReadonlyMap<string, QuotaRecord>): Store {
  if (pending.size === 0) return store;
  const usageStats = { ...(store.usageStats ?? {}) };
  for (const [id, rec] of pending) usageStats[id] = withQuota(usageStats[id], rec);
  return { ...store, usageStats };
}

/** Outcome bookkeeping for one gateway process (see the file comment). */
export class UsageWriter {
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly pendingQuota = new Map<string, Map<string, QuotaRecord>>();
  /**
   * Batches being written right now: still shown by `overlay()` until their write lands. A list,
   * because a second flush can start while the first one's write is still queued.
   */
  private readonly inflight: { path: string; m: Map<string, number>; q: Map<string, QuotaRecord> }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: UsageWriterOptions = {}) {}

  /** Remember a success; written on the next flush. */
  success(storePath: string, profileId: string, now: number): void {
    let m = this.pending.get(storePath);
    if (!m) this.pending.set(storePath, (m = new Map()));
    m.set(profileId, now);
    this.schedule();
  }

  /** Remember the quota an answer's headers showed; written on the next flush. */
  quota(storePath: string, profileId: string, rec: QuotaRecord): void {
    let m = this.pendingQuota.get(storePath);
    if (!m) this.pendingQuota.set(storePath, (m = new Map()));
    m.set(profileId, rec);
    this.schedule();
  }

  private schedule(): void {
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 1000);
      this.timer.unref();
    }
  }

  /**
   * Record a failure now (cooldown/disable), with the quota its answer showed. A pending
   * success or quota of the profile is older: dropped.
   */
  async failure(
    storePath: string,
    profileId: string,
    reason: ProbeReason,
    now: number,
    quota?: QuotaRecord,
  ): Promise<UsageStats> {
    this.pending.get(storePath)?.delete(profileId);
    for (const b of this.inflight) if (b.path === storePath) b.m.delete(profileId);
    const older = this.pendingQuota.get(storePath)?.get(profileId);
    this.pendingQuota.get(storePath)?.delete(profileId);
    const q = quota ?? older;
    return markProfileOutcome(storePath, profileId, { ok: false, reason }, now, q);
  }

  /** The store as it will be once pending successes and quota observations are written. */
  overlay(storePath: string, store: Store): Store {
    let s = store;
    for (const b of this.inflight) if (b.path === storePath) s = applySuccesses(applyQuota(s, b.q), b.m);
    const q = this.pendingQuota.get(storePath);
    const m = this.pending.get(storePath);
    if (q) s = applyQuota(s, q);
    return m ? applySuccesses(s, m) : s;
  }

  /** Write every pending success (one locked write per store). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const paths = new Set([...this.pending.keys(), ...this.pendingQuota.keys()]);
    const batch = [...paths]
      .map((path) => ({
        path,
        m: this.pending.get(path) ?? new Map<string, number>(),
        q: this.pendingQuota.get(path) ?? new Map<string, QuotaRecord>(),
      }))
      .filter((b) => b.m.size + b.q.size > 0);
    this.pending.clear();
    this.pendingQuota.clear();
    this.inflight.push(...batch);
    const run = async () => {
      for (const b of batch) {
        try {
          await updateStore(b.path, (store) => ({
            store: applySuccesses(applyQuota(store, b.q), b.m),
            result: undefined,
          }));
        } catch (err) {
          this.opts.onError?.(err, b.path);
        } finally {
          const i = this.inflight.indexOf(b);
          if (i >= 0) this.inflight.splice(i, 1);
        }
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }
}

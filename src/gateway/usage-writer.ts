/**
 * Recording request outcomes in the auth store off the request path: a request never waits
 * for a store write (and, on the file backend, never for an fsync). Failures are written at
 * the next turn of the event loop (they change which profile the next request gets, here and
 * on other processes or hosts), with the quota their answer showed. Successes (`lastUsed`,
 * `lastGood`, cleared cooldowns) and the quota of other answers are batched and written
 * shortly after. Until a write lands `overlay()` shows it to the order function, so
 * least-recently-used rotation, cooldowns and skipping a spent quota stay exact in this process.
 *
 * A write that fails (a full disk, PostgreSQL unreachable) is logged and dropped, not retried:
 * by the time the store is writable again the outcome is stale (cooldowns last minutes, and the
 * next request records a fresh one), and replaying it could overwrite newer outcomes that other
 * hosts recorded meanwhile.
 */
import type { ProbeReason } from '../providers/types.js';
import type { AgentRef, StoreBackend } from '../store/backends/types.js';
import { emptyStore, profileProvider, type QuotaRecord, type Store, type UsageStats } from '../store/schema.js';
import { recordFailure, recordSuccess, withQuota } from '../store/usage.js';

/** Flush delay and where write errors go. */
export interface UsageWriterOptions {
  /** How long successes wait before they are written (default 1000 ms). */
  flushMs?: number;
  /** `where`: the store as the backend names it (a path, or `postgres:<schema>/<agent>`). */
  onError?: (err: unknown, where: string) => void;
  /** A write for `agent` ended (landed or not): caches of its store must look again. */
  onWritten?: (agent: AgentRef) => void;
}

/** One failure to record, in the order it happened. */
export interface PendingFailure {
  id: string;
  reason: ProbeReason;
  at: number;
  quota?: QuotaRecord;
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

/** Apply pending failures in order (each with the quota its answer showed). Pure. */
export function applyFailures(store: Store, failures: readonly PendingFailure[]): Store {
  if (failures.length === 0) return store;
  const usageStats = { ...(store.usageStats ?? {}) };
  for (const f of failures) {
    const base = f.quota ? withQuota(usageStats[f.id], f.quota) : usageStats[f.id];
    usageStats[f.id] = recordFailure(base, f.reason, f.at);
  }
  return { ...store, usageStats };
}

/** What one agent has waiting. A success pending for a profile is always newer than its failures. */
interface Batch {
  agent: AgentRef;
  failures: PendingFailure[];
  quota: Map<string, QuotaRecord>;
  successes: Map<string, number>;
}

/** Everything in `b`, in the order it happened. Pure. */
export function applyBatch(store: Store, b: Omit<Batch, 'agent'>): Store {
  return applySuccesses(applyQuota(applyFailures(store, b.failures), b.quota), b.successes);
}

/** Outcome bookkeeping for one gateway process (see the file comment). */
export class UsageWriter {
  /** Per agent (keyed by store path, unique per agent on either backend). */
  private readonly pending = new Map<string, Batch>();
  /**
   * Batches being written right now: still shown by `overlay()` until their write lands. A list,
   * because a second flush can start while the first one's write is still queued.
   */
  private readonly inflight: Batch[] = [];
  /** The last store each agent read, before the overlay: the base a failure's new stats are predicted on. */
  private readonly lastRead = new Map<string, Store>();
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: StoreBackend,
    private readonly opts: UsageWriterOptions = {},
  ) {}

  private batch(agent: AgentRef): Batch {
    const b = this.pending.get(agent.storePath) ?? { agent, failures: [], quota: new Map(), successes: new Map() };
    this.pending.set(agent.storePath, b);
    return b;
  }

  /** Remember a success; written on the next flush. */
  success(agent: AgentRef, profileId: string, now: number): void {
    this.batch(agent).successes.set(profileId, now);
    this.schedule(this.opts.flushMs ?? 1000);
  }

  /** Remember the quota an answer's headers showed; written on the next flush. */
  quota(agent: AgentRef, profileId: string, rec: QuotaRecord): void {
    this.batch(agent).quota.set(profileId, rec);
    this.schedule(this.opts.flushMs ?? 1000);
  }

  private schedule(ms: number): void {
    const due = performance.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }

  /**
   * Record a failure (cooldown/disable) with the quota its answer showed; it is written at once,
   * but not waited for. A pending success or quota of the profile is older: dropped. Returns the
   * stats as they will be once written (as far as this process knows the store).
   */
  failure(agent: AgentRef, profileId: string, reason: ProbeReason, now: number, quota?: QuotaRecord): UsageStats {
    const b = this.batch(agent);
    b.successes.delete(profileId);
    for (const f of this.inflight) if (f.agent.storePath === agent.storePath) f.successes.delete(profileId);
    const older = b.quota.get(profileId);
    b.quota.delete(profileId);
    const q = quota ?? older;
    b.failures.push({ id: profileId, reason, at: now, ...(q ? { quota: q } : {}) });
    this.schedule(0);
    const base = this.lastRead.get(agent.storePath) ?? emptyStore();
    return this.overlay(agent, base, false).usageStats?.[profileId] ?? {};
  }

  /** The store as it will be once pending outcomes are written. `store` is the store just read. */
  overlay(agent: AgentRef, store: Store, remember = true): Store {
    if (remember) this.lastRead.set(agent.storePath, store);
    let s = store;
    for (const b of this.inflight) if (b.agent.storePath === agent.storePath) s = applyBatch(s, b);
    const b = this.pending.get(agent.storePath);
    return b ? applyBatch(s, b) : s;
  }

  /** Write everything pending (one update per agent); resolves when it and earlier flushes landed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    const batch = [...this.pending.values()].filter((b) => b.failures.length + b.quota.size + b.successes.size > 0);
    this.pending.clear();
    this.inflight.push(...batch);
    const run = async () => {
      for (const b of batch) {
        try {
          await this.backend.update(b.agent, (store) => ({ store: applyBatch(store, b), result: undefined }));
        } catch (err) {
          this.opts.onError?.(err, this.backend.describe(b.agent));
        } finally {
          const i = this.inflight.indexOf(b);
          if (i >= 0) this.inflight.splice(i, 1);
          this.opts.onWritten?.(b.agent);
        }
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }
}

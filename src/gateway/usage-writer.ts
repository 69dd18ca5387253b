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
  /**
   * A write for `agent` ended (landed or not): caches of its store must look again. The batch
   * stays in the overlay until the returned promise settles, so a cache that re-reads off the
   * event loop meanwhile never hands out the store without it.
   */
  onWritten?: (agent: AgentRef) => void | Promise<void>;
}

/** One failure to record, in the order it happened. */
export interface PendingFailure {
  id: string;
  reason: ProbeReason;
  at: number;
  quota?: QuotaRecord;
}

/** The provider whose `lastGood` a success of `id` sets (the profile's, else its id's prefix). */
const providerOf = (store: Store, id: string): string => store.profiles[id]?.provider ?? profileProvider(id);

/**
 * Apply pending successes (profile id -> time, in the order they happened) to a store: the
 * newest success of a provider becomes its `lastGood`, the later one on a tie. Pure.
 */
export function applySuccesses(store: Store, pending: ReadonlyMap<string, number>): Store {
  if (pending.size === 0) return store;
  const usageStats = { ...(store.usageStats ?? {}) };
  const lastGood = { ...(store.lastGood ?? {}) };
  const newest: Record<string, number> = {};
  for (const [id, at] of pending) {
    usageStats[id] = recordSuccess(usageStats[id], at);
    const provider = providerOf(store, id);
    if ((newest[provider] ?? -1) <= at) {
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

/**
 * The overlaid store of one agent, kept current outcome by outcome: a success or quota changes
 * one profile's entry in place instead of copying every profile's stats per request (O(1), not
 * O(profiles)). Rebuilt from scratch when the store is re-read, a flush starts or lands, or a
 * failure is recorded (a failure drops older pending outcomes: rare, so simply rebuilt).
 */
interface View {
  /** The store as read, which this view overlays. */
  base: Store;
  /** `base` with every pending outcome applied; its `usageStats` and `lastGood` are this view's own. */
  store: Store & { usageStats: NonNullable<Store['usageStats']>; lastGood: NonNullable<Store['lastGood']> };
  /** Per provider, the time of the newest pending success (which one is `lastGood`). */
  newest: Map<string, number>;
  /** Stats entries this view made (nobody else holds them): a success only moves their `lastUsed`. */
  own: WeakSet<UsageStats>;
}

/** Stats a success leaves as they are but for `lastUsed` (what `recordSuccess` would give). */
function succeededAlready(s: UsageStats): boolean {
  return (
    s.errorCount === 0 &&
    s.cooldownUntil === 0 &&
    (s.disabledUntil === undefined || s.disabledUntil === 0) &&
    s.disabledReason === undefined &&
    s.billingErrorCount === undefined
  );
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
  /** Per agent, the overlaid store `overlay()` hands out (see View). */
  private readonly views = new Map<string, View>();
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: StoreBackend,
    private readonly opts: UsageWriterOptions = {},
  ) {}

  private batch(agent: AgentRef): Batch {
    let b = this.pending.get(agent.storePath);
    if (!b) {
      b = { agent, failures: [], quota: new Map(), successes: new Map() };
      this.pending.set(agent.storePath, b);
    }
    return b;
  }

  /** Remember a success; written on the next flush. */
  success(agent: AgentRef, profileId: string, now: number): void {
    const successes = this.batch(agent).successes;
    // Kept in the order they happened (a tie for lastGood goes to the later one).
    successes.delete(profileId);
    successes.set(profileId, now);
    const v = this.views.get(agent.storePath);
    if (v) {
      const cur = v.store.usageStats[profileId];
      // The profile's second success onwards: one field, no copy (the copy and its deletes showed in the profile).
      if (cur && v.own.has(cur) && succeededAlready(cur)) cur.lastUsed = now;
      else {
        const next = recordSuccess(cur, now);
        v.own.add(next);
        v.store.usageStats[profileId] = next;
      }
      const provider = providerOf(v.store, profileId);
      if ((v.newest.get(provider) ?? -1) <= now) {
        v.newest.set(provider, now);
        v.store.lastGood[provider] = profileId;
      }
    }
    this.schedule(this.opts.flushMs ?? 1000);
  }

  /** Remember the quota an answer's headers showed; written on the next flush. */
  quota(agent: AgentRef, profileId: string, rec: QuotaRecord): void {
    const quota = this.batch(agent).quota;
    // Only the newest observation is written (an older one would not replace it on disk either).
    const old = quota.get(profileId);
    if (!old || old.at <= rec.at) quota.set(profileId, rec);
    const v = this.views.get(agent.storePath);
    if (v) v.store.usageStats[profileId] = withQuota(v.store.usageStats[profileId], rec);
    this.schedule(this.opts.flushMs ?? 1000);
  }

  private schedule(ms: number): void {
    // Every delay is 0 or flushMs: a timer already set is due no later than a new flushMs one.
    if (this.timer && ms >= (this.opts.flushMs ?? 1000)) return;
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
    this.views.delete(agent.storePath);
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

  /**
   * The store as it will be once pending outcomes are written. `store` is the store just read.
   * The result is shared and later outcomes update it in place: read it right away (the plan
   * of a request is built synchronously from it), never keep it across a wait.
   */
  overlay(agent: AgentRef, store: Store, remember = true): Store {
    if (remember) this.lastRead.set(agent.storePath, store);
    const v = this.views.get(agent.storePath);
    if (v && v.base === store) return v.store;
    let s = store;
    for (const b of this.inflight) if (b.agent.storePath === agent.storePath) s = applyBatch(s, b);
    const b = this.pending.get(agent.storePath);
    if (b) s = applyBatch(s, b);
    const newest = new Map<string, number>();
    for (const [id, at] of b?.successes ?? []) {
      const provider = providerOf(store, id);
      if ((newest.get(provider) ?? -1) <= at) newest.set(provider, at);
    }
    const view: View = {
      base: store,
      store: { ...s, usageStats: { ...(s.usageStats ?? {}) }, lastGood: { ...(s.lastGood ?? {}) } },
      newest,
      own: new WeakSet(),
    };
    // A look at another base (`remember` false) is a one-off: it does not replace the kept view.
    if (remember) this.views.set(agent.storePath, view);
    return view.store;
  }

  /** Write everything pending (one update per agent); resolves when it and earlier flushes landed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    const batch = [...this.pending.values()].filter((b) => b.failures.length + b.quota.size + b.successes.size > 0);
    this.pending.clear();
    // The newest pending success per provider now counts per batch: rebuild the views.
    this.views.clear();
    this.inflight.push(...batch);
    const run = async () => {
      for (const b of batch) {
        try {
          await this.backend.update(b.agent, (store) => ({ store: applyBatch(store, b), result: undefined }));
        } catch (err) {
          this.opts.onError?.(err, this.backend.describe(b.agent));
        }
        try {
          await this.opts.onWritten?.(b.agent);
        } finally {
          const i = this.inflight.indexOf(b);
          if (i >= 0) this.inflight.splice(i, 1);
          this.views.delete(b.agent.storePath);
        }
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }
}

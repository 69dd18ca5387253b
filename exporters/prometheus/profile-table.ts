/**
 * The per-profile series of the monitor: one record per profile holding the value of every
 * per-profile family, rendered family by family (see `profile-families.ts`).
 *
 * Why one record: with 10,000 profiles a map per family held ~12 map entries and entry
 * objects per profile (120,000 of each), most of the daemon's retained heap and of the first
 * cycle's garbage. A record keeps the profile's label text once and each family's value as the
 * text it prints as (formatting a timestamp costs ~0.3 µs; a scrape would pay it 100,000 times).
 */
import type { ProfileSig } from './profile-series.js';
import { escapeLabelValue, flat } from './family.js';

/** The single-valued families, by their slot in `ProfileRecord.vals`. */
export const SLOT = {
  info: 0,
  expiry: 1,
  expiryKnown: 2,
  probeSuccess: 3,
  probeValid: 4,
  probeDuration: 5,
  lastProbe: 6,
  probeHttpStatus: 7,
  refreshExpiry: 8,
  nextRefresh: 9,
  cooldownUntil: 10,
  quotaObserved: 11,
} as const;
const SLOTS = 12;
/** Indexes of `ProfileTable.count`: the slots, then the state set, then the quota windows. */
export const COUNT = { status: SLOTS, window: SLOTS + 1 } as const;
const COUNTS = SLOTS + 3;

/** The families with one series per quota window, by their slot in `ProfileRecord.windows`. */
export const WINDOW = { utilization: 0, reset: 1 } as const;

const PROBE_SLOTS = [SLOT.probeSuccess, SLOT.probeValid, SLOT.probeDuration, SLOT.lastProbe, SLOT.probeHttpStatus];

export interface Sample {
  window: string;
  value: number;
}

/** One family's quota windows of a profile; `text` is its lines, built at the first render after a change. */
export interface WindowSeries {
  list: Sample[];
  /** What the list was set from, to skip an unchanged one. */
  sig: string;
  text: string | undefined;
}

/** `,type="…",source="…"` of the info family: a handful of combinations, shared by every profile. */
const infoTails = new Map<string, string>();

function infoTail(type: string, source: string): string {
  const id = `${type}\u0000${source}`;
  const hit = infoTails.get(id);
  if (hit !== undefined) return hit;
  const tail = flat(`,type="${escapeLabelValue(type)}",source="${escapeLabelValue(source)}"`);
  // Bounded vocabularies in practice; a seeded textfile could bring others, which are then not shared.
  if (infoTails.size < 256) infoTails.set(id, tail);
  return tail;
}

export class ProfileRecord {
  /** `agent="…",provider="…",profile="…"`, shared by every family of the profile. */
  lbl: string;
  /** Each single-valued family's value as printed; undefined: no series. Written through `put`. */
  readonly vals: readonly (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  /** The info family's `type` and `source` labels and their rendered text. */
  type = '';
  source = '';
  infoTail = '';
  /** The current status (the state set); undefined: no series. Written through `setStatus`. */
  readonly status: string | undefined = undefined;
  /** Written through `setWindows` / `clearWindows`. */
  readonly windows: readonly (WindowSeries | undefined)[] = [undefined, undefined];
  /** What the credential's series were last set from; undefined forces the next update to set them all. */
  sig: ProfileSig | undefined = undefined;
  /** In the last complete credential set (its series are deleted when a later complete set lacks it). */
  known = false;
  /** The update that last saw the credential. */
  stamp = 0;

  constructor(
    readonly key: string,
    /** Label values; `profile` as the label writes it (the id or its hash). */
    public agent: string,
    public provider: string,
    public profile: string,
    /** The table's series counts (`ProfileTable.count`), kept by every write; a record's own once deleted. */
    private counts: Int32Array = new Int32Array(COUNTS),
  ) {
    this.lbl = renderBase(agent, provider, profile);
  }

  /** Set (a string) or clear (undefined) the series of one single-valued family (`SLOT`). */
  put(slot: number, value: string | undefined): void {
    const v = this.vals as (string | undefined)[];
    if ((v[slot] === undefined) !== (value === undefined)) this.bump(slot, value === undefined ? -1 : 1);
    v[slot] = value;
  }

  /** Drop the probe series (the common case of a profile never probed: one call that finds nothing to do). */
  clearProbe(): void {
    const v = this.vals;
    if (
      v[SLOT.probeSuccess] === undefined &&
      v[SLOT.probeValid] === undefined &&
      v[SLOT.probeDuration] === undefined &&
      v[SLOT.lastProbe] === undefined &&
      v[SLOT.probeHttpStatus] === undefined
    )
      return;
    for (const slot of PROBE_SLOTS) this.put(slot, undefined);
  }

  /** Drop the quota series (most profiles have none). */
  clearQuota(): void {
    if (this.windows[0] === undefined && this.windows[1] === undefined && this.vals[SLOT.quotaObserved] === undefined)
      return;
    this.putWindows(WINDOW.utilization, undefined);
    this.putWindows(WINDOW.reset, undefined);
    this.put(SLOT.quotaObserved, undefined);
  }

  /** Make `status` the current state (undefined: no state-set series). */
  setStatus(status: string | undefined): void {
    if ((this.status === undefined) !== (status === undefined)) this.bump(COUNT.status, status === undefined ? -1 : 1);
    (this as { status: string | undefined }).status = status;
  }

  /** Drop the series of one quota family (`WINDOW`). */
  clearWindows(slot: number): void {
    this.putWindows(slot, undefined);
  }

  private putWindows(slot: number, w: WindowSeries | undefined): void {
    const ws = this.windows as (WindowSeries | undefined)[];
    if ((ws[slot] === undefined) !== (w === undefined)) this.bump(COUNT.window + slot, w === undefined ? -1 : 1);
    ws[slot] = w;
  }

  /** Out of its table: its series no longer count there (a caller still holding it may write to it). */
  detach(): void {
    for (let i = 0; i < SLOTS; i++) if (this.vals[i] !== undefined) this.bump(i, -1);
    if (this.status !== undefined) this.bump(COUNT.status, -1);
    for (let i = 0; i < 2; i++) if (this.windows[i] !== undefined) this.bump(COUNT.window + i, -1);
    this.counts = new Int32Array(COUNTS);
  }

  private bump(i: number, by: number): void {
    this.counts[i] = (this.counts[i] as number) + by;
  }

  setInfo(type: string, source: string, value: string): void {
    if (this.type !== type || this.source !== source || this.vals[SLOT.info] === undefined) {
      this.type = type;
      this.source = source;
      this.infoTail = infoTail(type, source);
    }
    this.put(SLOT.info, value);
  }

  /** Make `list` the series of one quota family (`WINDOW`); an empty list removes them. */
  setWindows(slot: number, list: Sample[]): void {
    if (list.length === 0) {
      this.putWindows(slot, undefined);
      return;
    }
    const sig = list.map((x) => `${x.window}=${x.value}`).join('|');
    const prev = this.windows[slot];
    if (prev && prev.sig === sig) prev.list = list;
    else this.putWindows(slot, { list, sig, text: undefined });
  }

  /** Whether any family has a series of this profile. */
  empty(): boolean {
    if (this.status !== undefined || this.windows[0] !== undefined || this.windows[1] !== undefined) return false;
    for (let i = 0; i < SLOTS; i++) if (this.vals[i] !== undefined) return false;
    return true;
  }
}

function renderBase(agent: string, provider: string, profile: string): string {
  const p = escapeLabelValue(profile);
  return flat(`agent="${escapeLabelValue(agent)}",provider="${escapeLabelValue(provider)}",profile="${p}"`);
}

/** Every profile's record by key (agent + profile id), and the records in render order. */
export class ProfileTable {
  private readonly recs = new Map<string, ProfileRecord>();
  private order: ProfileRecord[] | null = [];
  /** Per family (`SLOT`, `COUNT`), how many records have a series in it: a render skips an empty family's walk. */
  private readonly counts = new Int32Array(COUNTS);

  /** How many records have a series in one family (a `SLOT`, `COUNT.status` or `COUNT.window + WINDOW`). */
  count(family: number): number {
    return this.counts[family] as number;
  }

  get(key: string): ProfileRecord | undefined {
    return this.recs.get(key);
  }

  /** The record of `key` under these labels: created, or relabelled when a label changed. */
  upsert(key: string, agent: string, provider: string, profile: string): ProfileRecord {
    const rec = this.recs.get(key);
    if (!rec) {
      const created = new ProfileRecord(key, agent, provider, profile, this.counts);
      this.recs.set(key, created);
      this.order = null;
      return created;
    }
    if (rec.agent !== agent || rec.provider !== provider || rec.profile !== profile) {
      rec.agent = agent;
      rec.provider = provider;
      rec.profile = profile;
      rec.lbl = renderBase(agent, provider, profile);
      for (const w of rec.windows) if (w) w.text = undefined;
    }
    return rec;
  }

  delete(key: string): void {
    const rec = this.recs.get(key);
    if (!rec) return;
    this.recs.delete(key);
    rec.detach();
    this.order = null;
  }

  /** Drop the record of `key` once no family has a series of it. */
  dropIfEmpty(key: string): void {
    if (this.recs.get(key)?.empty()) this.delete(key);
  }

  values(): IterableIterator<ProfileRecord> {
    return this.recs.values();
  }

  get size(): number {
    return this.recs.size;
  }

  /** The records sorted by key, so the output does not depend on the order profiles appeared in. */
  sorted(): readonly ProfileRecord[] {
    if (!this.order) this.order = [...this.recs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.order;
  }
}

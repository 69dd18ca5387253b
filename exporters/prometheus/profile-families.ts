/**
 * The per-profile gauge families, each a view of one field of the profile table's records
 * (`profile-table.ts`): rendered family by family from the shared label text and the values
 * kept as printed, never re-formatting a line (a 10k-profile scrape has 110,000 of them).
 * They are rendered before the prom-client Registry (see `exposition.ts`) and offer its JSON
 * view (`get()`) too.
 */
import { escapeHelp, escapeLabelValue, flat, formatValue, type MetricJson, type StatusMode } from './family.js';
import { COUNT, type ProfileRecord, type ProfileTable, type Sample, SLOT, type WINDOW } from './profile-table.js';

type Labels = Record<string, string>;
type JsonValue = MetricJson['values'][number];

/** A value as printed, back to a number (for the JSON view). */
function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function baseLabels(r: ProfileRecord): Labels {
  return { agent: r.agent, provider: r.provider, profile: r.profile };
}

abstract class ProfileFamily {
  readonly type = 'gauge' as const;
  readonly aggregator = 'sum' as const;
  /** `name{`, the start of every sample line. */
  protected readonly open: string;

  constructor(
    protected readonly table: ProfileTable,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    this.open = `${name}{`;
  }

  /** Sample lines of the profile in this family; 0 when it has none. */
  protected abstract lineCount(r: ProfileRecord): number;
  /** How many profiles have series in this family (the table counts them as they are written). */
  protected abstract profiles(): number;
  /** Append the sample lines of one profile, each after a newline, as pieces to `out`. */
  protected abstract lines(r: ProfileRecord, out: string[]): void;
  /** Drop this family's series of the profile. */
  protected abstract clear(r: ProfileRecord): void;
  protected abstract samples(r: ProfileRecord): JsonValue[];

  /** The record of `key` under `labels` (agent, provider, profile); a label change relabels the profile. */
  protected record(key: string, labels: Labels): ProfileRecord {
    return this.table.upsert(key, labels.agent ?? '', labels.provider ?? '', labels.profile ?? '');
  }

  has(key: string): boolean {
    const r = this.table.get(key);
    return r !== undefined && this.lineCount(r) > 0;
  }

  /** Keys with series, in render order. */
  keys(): string[] {
    return this.table
      .sorted()
      .filter((r) => this.lineCount(r) > 0)
      .map((r) => r.key);
  }

  /** Drop the series of `key` in this family. */
  remove(key: string): void {
    const r = this.table.get(key);
    if (!r) return;
    this.clear(r);
    this.table.dropIfEmpty(key);
  }

  /**
   * The family in the text exposition format, without a trailing newline (like prom-client), in
   * pieces of about `perChunk` lines: a 10 MB scrape is streamed without ever building one 10 MB
   * string, and a piece stays under ~100 KB (bigger strings go to V8's large-object space).
   */
  *chunks(perChunk = 500): Generator<string> {
    yield `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} gauge`;
    // A family without series (no cooldown, no quota: the common case) is not walked at all, and
    // the walk stops at its last profile: 10,000 records per family are otherwise visited for nothing.
    let left = this.profiles();
    if (left === 0) return;
    // Pieces joined once: `+=` would build a tree of ~5 nodes per line that writing then flattens.
    let parts: string[] = [];
    let n = 0;
    for (const r of this.table.sorted()) {
      const count = this.lineCount(r);
      if (count === 0) continue;
      this.lines(r, parts);
      n += count;
      if (--left === 0) break;
      if (n >= perChunk) {
        yield parts.join('');
        parts = [];
        n = 0;
      }
    }
    if (n > 0) yield parts.join('');
  }

  renderText(): string {
    return [...this.chunks()].join('');
  }

  /** prom-client's view of the metric (what `Registry.getMetricsAsJSON` reads). */
  async get(): Promise<MetricJson> {
    const values: JsonValue[] = [];
    for (const r of this.table.sorted()) if (this.lineCount(r) > 0) values.push(...this.samples(r));
    return { name: this.name, help: this.help, type: 'gauge', values, aggregator: 'sum' };
  }
}

/** A gauge with at most one series per profile. */
export class ProfileGauge extends ProfileFamily {
  constructor(
    table: ProfileTable,
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly slot: number,
  ) {
    super(table, name, help, labelNames);
  }

  /** Set the one series of `key`; a label change relabels the profile. */
  set(key: string, labels: Labels, value: number): void {
    this.record(key, labels).put(this.slot, formatValue(value));
  }

  protected lineCount(r: ProfileRecord): number {
    return r.vals[this.slot] === undefined ? 0 : 1;
  }

  protected profiles(): number {
    return this.table.count(this.slot);
  }

  protected lines(r: ProfileRecord, out: string[]): void {
    out.push('\n', this.open, r.lbl, '} ', r.vals[this.slot] as string);
  }

  protected clear(r: ProfileRecord): void {
    r.put(this.slot, undefined);
  }

  protected samples(r: ProfileRecord): JsonValue[] {
    return [{ labels: baseLabels(r), value: parseValue(r.vals[this.slot] as string) }];
  }
}

/** The info family: the profile's labels plus its credential `type` and `source`. */
export class ProfileInfoGauge extends ProfileGauge {
  constructor(table: ProfileTable, name: string, help: string, labelNames: readonly string[]) {
    super(table, name, help, labelNames, SLOT.info);
  }

  override set(key: string, labels: Labels, value: number): void {
    this.record(key, labels).setInfo(labels.type ?? '', labels.source ?? '', formatValue(value));
  }

  protected override lines(r: ProfileRecord, out: string[]): void {
    out.push('\n', this.open, r.lbl, r.infoTail, '} ', r.vals[SLOT.info] as string);
  }

  protected override samples(r: ProfileRecord): JsonValue[] {
    const labels = { ...baseLabels(r), type: r.type, source: r.source };
    return [{ labels, value: parseValue(r.vals[SLOT.info] as string) }];
  }
}

/**
 * A state set: per profile, one series per state, 1 for the current state and 0 for the others
 * (`stateset`), or only the current state's series (`label`). `labelNames` ends with the state
 * label. The lines are built at render: 8 cached lines per profile cost 10 MB at 10k profiles.
 */
export class ProfileStateSet extends ProfileFamily {
  /** `status="ok"} ` etc., shared by every profile. */
  private readonly tails: string[];
  private readonly stateLabel: string;

  constructor(
    table: ProfileTable,
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly states: readonly string[],
    readonly mode: StatusMode = 'stateset',
  ) {
    super(table, name, help, labelNames);
    this.stateLabel = labelNames[labelNames.length - 1] as string;
    this.tails = states.map((s) => flat(`,${this.stateLabel}="${escapeLabelValue(s)}"} `));
  }

  /** Make `current` the state of `key`. */
  setState(key: string, labels: Labels, current: string): void {
    this.record(key, labels).setStatus(current);
  }

  /** The current state of `key`, if it has series. */
  stateOf(key: string): string | undefined {
    return this.table.get(key)?.status;
  }

  protected profiles(): number {
    return this.table.count(COUNT.status);
  }

  protected lineCount(r: ProfileRecord): number {
    if (r.status === undefined) return 0;
    return this.mode === 'label' ? 1 : this.states.length;
  }

  protected lines(r: ProfileRecord, out: string[]): void {
    const current = r.status as string;
    if (this.mode === 'label') {
      const tail = this.tails[this.states.indexOf(current)] ?? `,${this.stateLabel}="${escapeLabelValue(current)}"} `;
      out.push('\n', this.open, r.lbl, tail, '1');
      return;
    }
    for (let i = 0; i < this.states.length; i++)
      out.push('\n', this.open, r.lbl, this.tails[i] as string, this.states[i] === current ? '1' : '0');
  }

  protected clear(r: ProfileRecord): void {
    r.setStatus(undefined);
  }

  protected samples(r: ProfileRecord): JsonValue[] {
    const current = r.status as string;
    const states = this.mode === 'label' ? [current] : this.states;
    return states.map((s) => ({ labels: { ...baseLabels(r), [this.stateLabel]: s }, value: s === current ? 1 : 0 }));
  }
}

/** A gauge with several series per profile, one per quota window (`labelNames` ends with `window`). */
export class ProfileWindowGauge extends ProfileFamily {
  constructor(
    table: ProfileTable,
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly slot: (typeof WINDOW)[keyof typeof WINDOW],
  ) {
    super(table, name, help, labelNames);
  }

  /** Make `list` the series of `key`; an empty list removes them. */
  setWindows(key: string, labels: Labels, list: Sample[]): void {
    if (list.length === 0) {
      this.remove(key);
      return;
    }
    this.record(key, labels).setWindows(this.slot, list);
  }

  protected profiles(): number {
    return this.table.count(COUNT.window + this.slot);
  }

  protected lineCount(r: ProfileRecord): number {
    return r.windows[this.slot]?.list.length ?? 0;
  }

  protected lines(r: ProfileRecord, out: string[]): void {
    const w = r.windows[this.slot] as NonNullable<ProfileRecord['windows'][number]>;
    if (w.text === undefined) {
      const head = `${this.open}${r.lbl},window="`;
      w.text = flat(w.list.map((x) => `${head}${escapeLabelValue(x.window)}"} ${formatValue(x.value)}`).join('\n'));
    }
    out.push('\n', w.text);
  }

  protected clear(r: ProfileRecord): void {
    r.clearWindows(this.slot);
  }

  protected samples(r: ProfileRecord): JsonValue[] {
    const w = r.windows[this.slot];
    return w ? w.list.map((x) => ({ labels: { ...baseLabels(r), window: x.window }, value: x.value })) : [];
  }
}

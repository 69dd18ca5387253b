/**
 * Per-profile gauge families with cached exposition text.
 *
 * Why not plain prom-client Gauges: with 10,000 profiles the state set alone is 80,000
 * series, and prom-client re-hashes labels on every `set` and re-formats every line on
 * every scrape (≈0.5 s each, measured). These families keep one pre-rendered text block
 * per profile, rebuild it only when its value changes, and render a scrape by joining
 * cached strings. They are rendered next to the prom-client Registry (see `exposition.ts`).
 */

const NEEDS_ESCAPE = /[\\\n"]/;

/** Escape a label value per the text exposition format. */
export function escapeLabelValue(v: string): string {
  // Ids almost never hold a backslash, newline or quote: skip the three replaces for them.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Escape HELP text per the text exposition format. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus prints it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * A string V8 holds as one flat sequence. A string built by `+` is a tree of pieces (32 bytes
 * per node plus every piece) until something reads it whole; a string kept for long is
 * flattened once when kept. Reading a character flattens it in place (converting it to a
 * number, the old `flatstr` idiom, no longer does: measured on Node 20, 117 MB → 20 MB for
 * 100,000 strings of 20 pieces).
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

function renderLabels(labelNames: readonly string[], labels: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < labelNames.length; i++) {
    const n = labelNames[i] as string;
    out += `${i ? ',' : ''}${n}="${escapeLabelValue(labels[n] ?? '')}"`;
  }
  return flat(out);
}

/**
 * Rendered label sets by labels object: the dozen families of one profile are set from the
 * same object, so its `agent="…",provider="…",profile="…"` is built and held once, not once
 * per family (at 10,000 profiles that was ~110,000 strings). Keyed by object: callers pass
 * a fresh object whenever a value changes and never mutate one they passed.
 */
const labelTexts = new WeakMap<object, { names: string; text: string }>();

export function labelText(labelNames: readonly string[], namesKey: string, labels: Record<string, string>): string {
  const hit = labelTexts.get(labels);
  if (hit && hit.names === namesKey) return hit.text;
  const text = renderLabels(labelNames, labels);
  labelTexts.set(labels, { names: namesKey, text });
  return text;
}

interface Entry {
  /** The caller's labels object (shared, never mutated). */
  labels: Record<string, string>;
  value: number | string;
  /** The rendered labels (shared across the families of a profile). */
  lbl: string;
  /** The value as printed (KeyedGauge) or the whole cached block (WindowGauge); '' for state sets. */
  text: string;
}

/** prom-client's view of a metric (what `Registry.getMetricsAsJSON` reads). */
export interface MetricJson {
  name: string;
  help: string;
  type: 'gauge';
  values: { labels: Record<string, string>; value: number }[];
  aggregator: 'sum';
}

abstract class CachedFamily {
  readonly type = 'gauge' as const;
  readonly aggregator = 'sum' as const;
  protected readonly entries = new Map<string, Entry>();
  private order: string[] | null = [];
  /** `name{`, the start of every sample line. */
  protected readonly open: string;
  /** The label names as one string, to tell label texts of different name lists apart. */
  protected readonly namesKey: string;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    this.open = `${name}{`;
    this.namesKey = labelNames.join(',');
  }

  private sameLabels(a: Record<string, string>, b: Record<string, string>, names: readonly string[]): boolean {
    if (a === b) return true;
    for (const n of names) if (a[n] !== b[n]) return false;
    return true;
  }

  /**
   * Set `key` to `value` under `labels` (labels named `names`, rendered as `lbl`); `text()` builds
   * the cached text only when something changed. An unchanged series allocates nothing.
   */
  protected put(
    key: string,
    labels: Record<string, string>,
    value: number | string,
    names: readonly string[],
    namesKey: string,
    text: () => string,
  ): void {
    const prev = this.entries.get(key);
    if (prev && prev.value === value && this.sameLabels(prev.labels, labels, this.labelNames)) return;
    const lbl = labelText(names, namesKey, labels);
    if (prev) {
      prev.labels = labels;
      prev.value = value;
      prev.lbl = lbl;
      prev.text = text();
      return;
    }
    this.order = null;
    this.entries.set(key, { labels, value, lbl, text: text() });
  }

  /** Drop the series of `key` (a removed profile). */
  remove(key: string): void {
    if (this.entries.delete(key)) this.order = null;
  }

  /** Keys with series, in render order. */
  keys(): string[] {
    // Sorted so the output does not depend on the order profiles appeared in (golden files).
    if (!this.order) this.order = [...this.entries.keys()].sort();
    return this.order;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The family in the text exposition format, without a trailing newline (like prom-client). */
  renderText(): string {
    return [...this.chunks()].join('');
  }

  /** Sample lines per key (the state set has one per state). */
  protected linesPerKey(): number {
    return 1;
  }

  /**
   * The same text in pieces of about `perChunk` lines, so a 10 MB scrape is streamed
   * without ever building one 10 MB string (each such string cost the daemon ~30 MB RSS).
   * A piece stays under ~100 KB: bigger strings go to V8's large-object space, one mapping each.
   */
  *chunks(perChunk = 500): Generator<string> {
    const keysPerChunk = Math.max(1, Math.floor(perChunk / this.linesPerKey()));
    yield `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} gauge`;
    const keys = this.keys();
    for (let i = 0; i < keys.length; i += keysPerChunk) {
      // Pieces joined once: `+=` would build a tree of ~5 nodes per line that writing then flattens.
      const parts: string[] = [];
      const end = Math.min(keys.length, i + keysPerChunk);
      for (let k = i; k < end; k++) this.lines(this.entries.get(keys[k] as string) as Entry, parts);
      yield parts.join('');
    }
  }

  /** Append the sample lines of one entry, each after a newline, as pieces to `out`. */
  protected abstract lines(e: Entry, out: string[]): void;

  reset(): void {
    this.entries.clear();
    this.order = [];
  }

  abstract get(): Promise<MetricJson>;
}

/** A gauge with at most one series per key (a profile). */
export class KeyedGauge extends CachedFamily {
  /** Set the one series of `key`; a label change replaces the old series. */
  set(key: string, labels: Record<string, string>, value: number): void {
    this.put(key, labels, value, this.labelNames, this.namesKey, () => formatValue(value));
  }

  protected lines(e: Entry, out: string[]): void {
    out.push('\n', this.open, e.lbl, '} ', e.text);
  }

  async get(): Promise<MetricJson> {
    const values = this.keys().map((k) => {
      const e = this.entries.get(k) as Entry;
      return { labels: { ...e.labels }, value: e.value as number };
    });
    return { name: this.name, help: this.help, type: 'gauge', values, aggregator: 'sum' };
  }
}

/**
 * How the status family is exposed: `stateset`, one series per state (1 for the current, 0 for
 * the others), or `label`, only the current state's series (1): 1 series per key instead of 8.
 */
export type StatusMode = 'stateset' | 'label';

/**
 * A state set: per key, one series per state, 1 for the current state and 0 for the others.
 * `stateLabel` is the label holding the state (the last of `labelNames`).
 */
export class StateSetGauge extends CachedFamily {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly states: readonly string[],
    readonly mode: StatusMode = 'stateset',
  ) {
    super(name, help, labelNames);
    this.baseNames = labelNames.slice(0, -1);
    this.baseKey = this.baseNames.join(',');
    this.tails = states.map((s) => `${labelNames[labelNames.length - 1]}="${escapeLabelValue(s)}"} `);
  }

  /** The label names but the state label, and their key. */
  private readonly baseNames: readonly string[];
  private readonly baseKey: string;

  /** `status="ok"} ` etc., shared by every key. */
  private readonly tails: string[];

  /**
   * Make `current` the state of `key`. Only the profile's shared label text is kept per key and
   * the lines are built at render time: 8 cached lines per profile cost 10 MB at 10k profiles.
   */
  setState(key: string, labels: Record<string, string>, current: string): void {
    this.put(key, labels, current, this.baseNames, this.baseKey, () => '');
  }

  protected override linesPerKey(): number {
    return this.mode === 'label' ? 1 : this.states.length;
  }

  protected lines(e: Entry, out: string[]): void {
    if (this.mode === 'label') {
      const tail =
        this.tails[this.states.indexOf(e.value as string)] ??
        `${this.labelNames[this.labelNames.length - 1]}="${escapeLabelValue(String(e.value))}"} `;
      out.push('\n', this.open, e.lbl, ',', tail, '1');
      return;
    }
    for (let i = 0; i < this.states.length; i++)
      out.push('\n', this.open, e.lbl, ',', this.tails[i] as string, this.states[i] === e.value ? '1' : '0');
  }

  /** The current state of `key`, if it has series. */
  stateOf(key: string): string | undefined {
    return this.entries.get(key)?.value as string | undefined;
  }

  async get(): Promise<MetricJson> {
    const stateLabel = this.labelNames[this.labelNames.length - 1] as string;
    const values = this.keys().flatMap((k) => {
      const e = this.entries.get(k) as Entry;
      const states = this.mode === 'label' ? [e.value as string] : this.states;
      return states.map((s) => ({ labels: { ...e.labels, [stateLabel]: s }, value: s === e.value ? 1 : 0 }));
    });
    return { name: this.name, help: this.help, type: 'gauge', values, aggregator: 'sum' };
  }
}

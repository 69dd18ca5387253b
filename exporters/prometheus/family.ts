/**
 * Per-profile gauge families with cached exposition text.
 *
 * Why not plain prom-client Gauges: with 10,000 profiles the state set alone is 80,000
 * series, and prom-client re-hashes labels on every `set` and re-formats every line on
 * every scrape (≈0.5 s each, measured). These families keep one pre-rendered text block
 * per profile, rebuild it only when its value changes, and render a scrape by joining
 * cached strings. They are rendered next to the prom-client Registry (see `exposition.ts`).
 */

/** Escape a label value per the text exposition format. */
export function escapeLabelValue(v: string): string {
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

function renderLabels(labelNames: readonly string[], labels: Record<string, string>): string {
  return labelNames.map((n) => `${n}="${escapeLabelValue(labels[n] ?? '')}"`).join(',');
}

interface Entry {
  labels: Record<string, string>;
  value: number | string;
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

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected put(key: string, labels: Record<string, string>, value: number | string, build: () => string): void {
    const prev = this.entries.get(key);
    if (prev && prev.value === value && this.labelNames.every((n) => prev.labels[n] === labels[n])) return;
    if (!prev) this.order = null;
    this.entries.set(key, { labels: { ...labels }, value, text: build() });
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

  /**
   * The same text in pieces of about `perChunk` keys, so a 10 MB scrape is streamed
   * without ever building one 10 MB string (each such string cost the daemon ~30 MB RSS).
   */
  *chunks(perChunk = 500): Generator<string> {
    yield `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} gauge`;
    const keys = this.keys();
    for (let i = 0; i < keys.length; i += perChunk) {
      let out = '';
      for (const key of keys.slice(i, i + perChunk)) out += `\n${this.lines(this.entries.get(key) as Entry)}`;
      yield out;
    }
  }

  /** The sample lines of one entry (cached text by default). */
  protected lines(e: Entry): string {
    return e.text;
  }

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
    this.put(key, labels, value, () => `${this.name}{${renderLabels(this.labelNames, labels)}} ${formatValue(value)}`);
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
    this.tails = states.map((s) => `${labelNames[labelNames.length - 1]}="${escapeLabelValue(s)}"} `);
  }

  private get baseNames(): readonly string[] {
    return this.labelNames.slice(0, -1);
  }

  /** `status="ok"} ` etc., shared by every key. */
  private readonly tails: string[];

  /**
   * Make `current` the state of `key`. Only the `name{labels,` prefix is kept per key and
   * the lines are built at render time: 8 cached lines per profile cost 10 MB at 10k profiles.
   */
  setState(key: string, labels: Record<string, string>, current: string): void {
    this.put(key, labels, current, () => `${this.name}{${renderLabels(this.baseNames, labels)},`);
  }

  protected override lines(e: Entry): string {
    if (this.mode === 'label') {
      const tail = this.tails[this.states.indexOf(e.value as string)];
      const last = this.labelNames[this.labelNames.length - 1];
      return `${e.text}${tail ?? `${last}="${escapeLabelValue(String(e.value))}"} `}1`;
    }
    let out = '';
    for (let i = 0; i < this.states.length; i++)
      out += `${i ? '\n' : ''}${e.text}${this.tails[i]}${this.states[i] === e.value ? 1 : 0}`;
    return out;
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

/**
 * The text exposition format's pieces shared by aipro's own families (`profile-families.ts`):
 * escaping, value formatting, flat strings.
 *
 * Why not plain prom-client Gauges for the per-profile series: with 10,000 profiles the state
 * set alone is 80,000 series, and prom-client re-hashes labels on every `set` and re-formats
 * every line on every scrape (≈0.5 s each, measured).
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

/** prom-client's view of a metric (what `Registry.getMetricsAsJSON` reads). */
export interface MetricJson {
  name: string;
  help: string;
  type: 'gauge';
  values: { labels: Record<string, string>; value: number }[];
  aggregator: 'sum';
}

/**
 * How the status family is exposed: `stateset`, one series per state (1 for the current, 0 for
 * the others), or `label`, only the current state's series (1): 1 series per key instead of 8.
 */
export type StatusMode = 'stateset' | 'label';

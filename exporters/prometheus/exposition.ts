/**
 * The exposition of a metrics source in the Prometheus text format or OpenMetrics, in pieces.
 * A source is a prom-client Registry (rendered through its public `metrics()`, in a throwaway
 * Registry of the wanted content type) plus aipro's cached per-profile families (rendered from
 * their kept text: a 10k-profile scrape never re-formats 100k lines, see `profile-families.ts`).
 */
import client from 'prom-client';
import type { Metric, Registry, RegistryContentType } from 'prom-client';

export type ExpositionFormat = 'text' | 'openmetrics';

/** What the families of `profile-families.ts` offer to the exposition. */
export interface CachedFamilyLike {
  name: string;
  type: string;
  chunks(): Iterable<string>;
}

/** Something that can be scraped: a registry and, optionally, cached families shown first. */
export interface MetricsSource {
  registry: Registry;
  families?: readonly CachedFamilyLike[];
}

/** Which metrics to include (e.g. the textfile leaves out counters). */
export type MetricFilter = (m: { name: string; type: string }) => boolean;

/** The Content-Type of `format`. */
export function contentTypeOf(format: ExpositionFormat): RegistryContentType {
  return format === 'openmetrics' ? client.Registry.OPENMETRICS_CONTENT_TYPE : client.Registry.PROMETHEUS_CONTENT_TYPE;
}

function typeOf(metric: unknown): string {
  return String((metric as { type?: unknown }).type ?? 'untyped');
}

/**
 * The exposition in pieces. Text: metric blocks separated by a blank line, ending in a newline
 * (exactly what prom-client prints). OpenMetrics: blocks separated by a newline, ending `# EOF`.
 */
export async function* exposition(
  source: MetricsSource,
  format: ExpositionFormat = 'text',
  filter: MetricFilter = () => true,
): AsyncGenerator<string> {
  const sep = format === 'openmetrics' ? '\n' : '\n\n';
  let first = true;
  for (const family of source.families ?? []) {
    if (!filter(family)) continue;
    if (!first) yield sep;
    first = false;
    yield* family.chunks();
  }
  const tail = new client.Registry();
  let any = false;
  for (const metric of source.registry.getMetricsAsArray()) {
    const name = String((metric as { name?: unknown }).name ?? '');
    if (!filter({ name, type: typeOf(metric) })) continue;
    tail.registerMetric(metric as unknown as Metric);
    any = true;
  }
  if (any) {
    if (!first) yield sep;
    // prom-client renders the text format; OpenMetrics is derived from it (rendering the same
    // metric objects through an OpenMetrics registry renames its counters in place).
    const text = await tail.metrics();
    yield format === 'openmetrics' ? textToOpenMetrics(text) : text;
    return;
  }
  yield format === 'openmetrics' ? `${first ? '' : '\n'}# EOF\n` : '\n';
}

/**
 * prom-client's text exposition as OpenMetrics: a counter family is named without `_total`
 * (its samples keep it, or get it), no blank lines between families, `# EOF` at the end.
 * Gauges, histograms and summaries read the same in both.
 */
export function textToOpenMetrics(text: string): string {
  const out: string[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l !== '');
    const type = lines.map((l) => /^# TYPE (\S+) (\S+)$/.exec(l)).find(Boolean);
    if (type?.[2] !== 'counter') {
      out.push(...lines);
      continue;
    }
    const name = type[1] as string;
    const family = name.replace(/_total$/, '');
    for (const l of lines) {
      if (l.startsWith(`# HELP ${name} `)) out.push(`# HELP ${family} ${l.slice(`# HELP ${name} `.length)}`);
      else if (l === `# TYPE ${name} counter`) out.push(`# TYPE ${family} counter`);
      else if (!l.startsWith('#') && (l.startsWith(`${family}{`) || l.startsWith(`${family} `)))
        out.push(`${family}_total${l.slice(family.length)}`);
      else if (!l.startsWith('#') && (l.startsWith(`${name}{`) || l.startsWith(`${name} `)))
        out.push(`${family}_total${l.slice(name.length)}`);
      else out.push(l);
    }
  }
  return `${out.join('\n')}\n# EOF\n`;
}

/** The whole exposition as one string. */
export async function renderExposition(
  source: MetricsSource,
  format: ExpositionFormat = 'text',
  filter?: MetricFilter,
): Promise<string> {
  let out = '';
  for await (const piece of exposition(source, format, filter)) out += piece;
  return out;
}

interface Ranged {
  type: string;
  q: number;
}

function ranges(header: string | undefined): Ranged[] {
  return (header ?? '')
    .split(',')
    .map((part) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const qv = q ? Number(q.slice(2)) : 1;
      return { type: type ?? '', q: Number.isFinite(qv) ? qv : 0 };
    })
    .filter((r) => r.type !== '');
}

/** OpenMetrics when the client accepts it at least as much as the text format (as the Go client decides). */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  const rs = ranges(accept);
  const om = Math.max(0, ...rs.filter((r) => r.type === 'application/openmetrics-text').map((r) => r.q));
  const text = Math.max(
    0,
    ...rs.filter((r) => r.type === 'text/plain' || r.type === '*/*' || r.type === 'text/*').map((r) => r.q),
  );
  return om > 0 && om >= text ? 'openmetrics' : 'text';
}

/** Whether the client takes a gzipped body. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return ranges(acceptEncoding).some((r) => (r.type === 'gzip' || r.type === '*') && r.q > 0);
}

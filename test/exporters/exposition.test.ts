/**
 * `/metrics` negotiates OpenMetrics and gzip: unit cases for the negotiation, the bodies in
 * both formats (promtool check metrics on the text format), and a real Prometheus scraping
 * with its own Accept headers (OpenMetrics, gzip) and ingesting every series. Plus the
 * `label` status mode: one status series per profile instead of eight.
 */
import test from 'ava';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { CredentialObservation } from '../../monitors/types.js';
import { monitorApp } from '../../exporters/prometheus/app.js';
import { acceptsGzip, negotiateFormat } from '../../exporters/prometheus/exposition.js';
import {
  createMetrics,
  renderMetrics,
  updateFromObservations,
  type AiproMetrics,
} from '../../exporters/prometheus/registry.js';
import { serve } from '../helpers/net.js';
import { needBinary, promtool, startPrometheus } from '../helpers/prometheus.js';
import { eventually } from '../helpers/wait.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const PROM_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function cred(profile: string, status: CredentialObservation['status']): CredentialObservation {
  return {
    kind: 'credential',
    agent: 'main',
    provider: 'anthropic',
    profile,
    type: 'token',
    source: 'profile',
    status,
    detail: '',
    expiresAt: NOW + 86_400_000,
  };
}

function metrics(statusMode?: 'stateset' | 'label'): AiproMetrics {
  const m = createMetrics({ buildInfo: { host: 'gw1' }, ...(statusMode ? { statusMode } : {}) });
  updateFromObservations(m, [cred('anthropic:a', 'ok'), cred('anthropic:b', 'expiring')], NOW);
  return m;
}

async function serveExporter(
  t: { teardown(fn: () => void): void },
  m: AiproMetrics,
  seen: IncomingHttpHeaders[] = [],
): Promise<string> {
  const app = monitorApp({ source: m, notReady: () => null });
  const exporter = await serve((req, res) => {
    seen.push(req.headers);
    app(req, res);
  });
  t.teardown(exporter.close);
  return new URL(exporter.url).host;
}

test('negotiation: Prometheus gets OpenMetrics, curl and text/plain get the text format; gzip when accepted', (t) => {
  t.is(negotiateFormat(PROM_ACCEPT), 'openmetrics');
  t.is(negotiateFormat('*/*'), 'text');
  t.is(negotiateFormat(undefined), 'text');
  t.is(negotiateFormat('text/plain;version=0.0.4'), 'text');
  t.is(negotiateFormat('application/openmetrics-text;q=0,text/plain'), 'text');
  t.is(negotiateFormat('text/plain;q=0.9, application/openmetrics-text;q=0.5'), 'text');
  t.true(acceptsGzip('gzip'));
  t.true(acceptsGzip('deflate, gzip;q=0.5'));
  t.false(acceptsGzip('gzip;q=0'));
  t.false(acceptsGzip(undefined));
});

test('/metrics in both formats and gzipped; promtool check metrics is clean on the text format', async (t) => {
  const addr = await serveExporter(t, metrics());
  const text = await fetch(`http://${addr}/metrics`, { headers: { 'accept-encoding': 'identity' } });
  t.is(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  t.is(text.headers.get('content-encoding'), null);
  const body = await text.text();
  t.regex(body, /^# TYPE aipro_auth_probe_errors_total counter$/m);
  t.notRegex(body, /# EOF/);

  const om = await fetch(`http://${addr}/metrics`, { headers: { accept: PROM_ACCEPT, 'accept-encoding': 'identity' } });
  t.is(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const omBody = await om.text();
  t.true(omBody.endsWith('\n# EOF\n'));
  t.is(omBody.match(/^# EOF$/gm)?.length, 1);
  t.regex(omBody, /^# TYPE aipro_auth_probe_errors counter\naipro_auth_probe_errors_total\{/m);
  t.notRegex(omBody, /\n\n/, 'no blank lines in OpenMetrics');
  t.regex(
    omBody,
    /^aipro_auth_profile_status\{agent="main",provider="anthropic",profile="anthropic:b",status="expiring"\} 1$/m,
  );

  // fetch would gunzip silently; read the raw bytes with node:http instead.
  const gz = await new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const [host, port] = addr.split(':');
    const req = httpGet(
      { host, port: Number(port), path: '/metrics', headers: { 'accept-encoding': 'gzip' } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
      },
    );
    req.on('error', reject);
  });
  t.is(gz.headers['content-encoding'], 'gzip');
  t.is(gz.headers.vary, 'Accept, Accept-Encoding');
  const unzipped = gunzipSync(gz.body).toString('utf8');
  // The Node process metrics move between two requests; aipro's own lines must be identical.
  const own = (text: string) => text.split('\n').filter((l) => /^(# (HELP|TYPE) )?aipro_/.test(l));
  t.deepEqual(own(unzipped), own(body));
  t.true(unzipped.endsWith('\n'));
  t.true(gz.body.length < body.length / 3, `gzip ${gz.body.length} B vs ${body.length} B`);

  const bin = needBinary(t, 'promtool');
  if (!bin) return;
  const check = await promtool(bin, ['check', 'metrics'], body);
  t.is(check.code, 0, check.stdout + check.stderr);
});

test(
  'statusMode label: one status series per credential (1, the current status), the same `== 1` ' + 'answers',
  async (t) => {
    const set = await renderMetrics(metrics('stateset'));
    const label = await renderMetrics(metrics('label'));
    const series = (text: string) => text.split('\n').filter((l) => l.startsWith('aipro_auth_profile_status{'));
    t.is(series(set).length, 16);
    t.deepEqual(series(label), [
      'aipro_auth_profile_status{agent="main",provider="anthropic",profile="anthropic:a",status="ok"} 1',
      'aipro_auth_profile_status{agent="main",provider="anthropic",profile="anthropic:b",status="expiring"} 1',
    ]);
    t.deepEqual(
      series(set).filter((l) => l.endsWith(' 1')),
      series(label),
    );
  },
);

test(
  'a real Prometheus scrapes with its own Accept headers: OpenMetrics + gzip negotiated, every series ' + 'ingested',
  async (t) => {
    const bin = needBinary(t, 'prometheus');
    if (!bin) return;
    const seen: IncomingHttpHeaders[] = [];
    const m = metrics();
    const addr = await serveExporter(t, m, seen);
    const p = await startPrometheus(bin, addr);
    t.teardown(() => p.stop());
    await eventually(async () => (await p.query('up{job="aipro"} == 1')).length === 1, 30_000, 'a successful scrape');
    const h = seen.find((x) => String(x['user-agent'] ?? '').startsWith('Prometheus/'));
    t.truthy(h);
    t.is(negotiateFormat(h?.accept), 'openmetrics', String(h?.accept));
    t.true(acceptsGzip(String(h?.['accept-encoding'] ?? '')));
    const status = await p.query('aipro_auth_profile_status{profile="anthropic:b"} == 1');
    t.deepEqual(
      status.map((s) => s.metric.status),
      ['expiring'],
    );
    t.is((await p.query('aipro_auth_probe_errors_total{provider="anthropic",reason="auth"}'))[0]?.value[1], '0');
    t.is((await p.query('aipro_build_info{host="gw1"}')).length, 1);
    // Every aipro sample of the exposition arrived. Only aipro's own series are counted: Node's
    // process metrics gain series between two scrapes (GC histograms appear after a GC kind runs).
    const text = await renderMetrics(m, { format: 'openmetrics' });
    const samples = text.split('\n').filter((l) => l.startsWith('aipro_')).length;
    const scraped = await eventually(
      async () => Number((await p.query('count({job="aipro",__name__=~"aipro_.+"})'))[0]?.value[1] ?? 0) || null,
      30_000,
      'aipro series',
    );
    t.true(Math.abs(scraped - samples) <= 5, `${scraped} aipro series scraped vs ${samples} aipro samples rendered`);
  },
);

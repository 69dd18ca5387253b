/**
 * The shipped Prometheus content speaks about metrics that exist: every metric name in
 * rules.yml, dashboard.json and README.md is one of METRICS (or Prometheus' own),
 * every alert has `for`, severity, summary/description and a runbook anchor the docs define.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGatewayMetrics } from '../../exporters/prometheus/gateway-metrics.js';
import { METRICS } from '../../exporters/prometheus/metrics.js';

const read = (p: string) => readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8');
const KNOWN = new Set<string>([...Object.values(METRICS).map((m) => m.name), 'up']);
const ANCHORS = ['token-expiring-or-expired', 'credential-rejected', 'credential-missing', 'credential-invalid', 'expiry-unknown', 'store-unreadable', 'refresh-failed', 'probes-failing', 'monitor-stale', 'monitor-absent', 'quota-high', 'quota-exhausted', 'clock-skew'];

function metricNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(aipro_[a-z_]+)\b/g)].map((m) => m[1] as string))];
}

test('rules.yml references only exported metrics; each alert has for, severity, summary, description, runbook_url', (t) => {
  const rules = read('../../exporters/prometheus/rules.yml');
  for (const name of metricNames(rules)) t.true(KNOWN.has(name), name);
  const alerts = rules.split(/\n\s+- alert: /).slice(1);
  t.is(alerts.length, 15);
  for (const a of alerts) {
    const name = a.split('\n')[0];
    t.regex(a, /\n\s+for: \d+[smh]\n/, `${name}: for`);
    t.regex(a, /\n\s+severity: (warning|critical)\n/, `${name}: severity`);
    t.regex(a, /\n\s+summary: /, `${name}: summary`);
    t.regex(a, /\n\s+description: /, `${name}: description`);
    const url = /runbook_url: (\S+)/.exec(a)?.[1] ?? '';
    t.true(ANCHORS.some((x) => url === `https://github.com/aipro/aipro/blob/main/README.md#${x}`), `${name}: ${url}`);
  }
  // Credential alerts name the profile and a fix command.
  for (const a of alerts.filter((x) => /aipro_auth_profile/.test(x))) {
    t.regex(a, /\{\{ \$labels\.profile \}\}/);
    t.regex(a, /aipro models (auth|status)/);
  }
});

test('dashboard.json is a Grafana dashboard over exported metrics only', (t) => {
  const d = JSON.parse(read('../../exporters/prometheus/dashboard.json'));
  t.is(d.uid, 'aipro-credentials');
  t.true(Array.isArray(d.panels) && d.panels.length >= 10);
  const exprs: string[] = d.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((x) => x.expr));
  t.true(exprs.length >= 12);
  for (const name of metricNames(exprs.join('\n'))) t.true(KNOWN.has(name), name);
  const titles = d.panels.map((p: { title: string }) => p.title.toLowerCase()).join(' | ');
  for (const want of ['time to expiry', 'status', 'probe latency', 'probe outcomes', 'refreshes', 'last successful run']) t.true(titles.includes(want), want);
  const used = new Set(metricNames(exprs.join('\n')));
  for (const m of Object.values(METRICS)) t.true(used.has(m.name), `dashboard shows ${m.name}`);
});

test('README.md documents every metric and every runbook anchor', async (t) => {
  const path = fileURLToPath(new URL('../../README.md', import.meta.url));
  if (!existsSync(path)) return t.fail('README.md is missing');
  const doc = readFileSync(path, 'utf8');
  for (const m of Object.values(METRICS)) t.true(doc.includes(`\`${m.name}\``), m.name);
  for (const a of ANCHORS) t.true(doc.includes(`<a id="${a}"></a>`), a);
  // The README also documents the gateway's own request metrics (served on the gateway's /metrics).
  const gateway = new Set((await createGatewayMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
  for (const name of metricNames(doc)) {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    t.true(KNOWN.has(name) || gateway.has(base) || name.startsWith('aipro_auth_profile_probe_'), name);
  }
});

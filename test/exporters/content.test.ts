/**
 * The shipped Prometheus content speaks about metrics that exist: every metric name in
 * rules.yml, dashboard.json and the docs (README.md, docs/*.md) is one of METRICS (or Prometheus' own),
 * every alert has `for`, severity, summary/description and a runbook anchor docs/runbooks.md defines.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGatewayMetrics } from '../../exporters/prometheus/gateway-metrics.js';
import { METRICS } from '../../exporters/prometheus/metrics.js';
import { CATALOGUE } from '../../src/alerts/catalogue.js';

const read = (p: string) => readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8');
const KNOWN = new Set<string>([...Object.values(METRICS).map((m) => m.name), 'up']);
const RUNBOOKS = 'https://github.com/aipro/aipro/blob/main/docs/runbooks.md';
/** Anchors published before the per-alert ones; links to them must keep working. */
const ANCHORS = [
  'token-expiring-or-expired',
  'credential-rejected',
  'credential-missing',
  'credential-invalid',
  'expiry-unknown',
  'store-unreadable',
  'refresh-failed',
  'probes-failing',
  'monitor-stale',
  'monitor-absent',
  'quota-high',
  'quota-exhausted',
  'clock-skew',
];

function metricNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(aipro_[a-z_]+)\b/g)].map((m) => m[1] as string))];
}

test(
  'rules.yml references only exported metrics; each alert has for, severity, summary, description, ' + 'runbook_url',
  (t) => {
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
      // One runbook anchor per alert: its name in lower case.
      t.is(/runbook_url: (\S+)/.exec(a)?.[1], `${RUNBOOKS}#${name?.toLowerCase()}`, `${name}: runbook_url`);
    }
    // Credential alerts name the profile and a fix command.
    for (const a of alerts.filter((x) => /aipro_auth_profile/.test(x))) {
      t.regex(a, /\{\{ \$labels\.profile \}\}/);
      t.regex(a, /aipro models (auth|status)/);
    }
  },
);

test('dashboard.json is a Grafana dashboard over exported metrics only', (t) => {
  const d = JSON.parse(read('../../exporters/prometheus/dashboard.json'));
  t.is(d.uid, 'aipro-credentials');
  t.true(Array.isArray(d.panels) && d.panels.length >= 10);
  const exprs: string[] = d.panels.flatMap((p: { targets?: { expr: string }[] }) =>
    (p.targets ?? []).map((x) => x.expr),
  );
  t.true(exprs.length >= 12);
  for (const name of metricNames(exprs.join('\n'))) t.true(KNOWN.has(name), name);
  const titles = d.panels.map((p: { title: string }) => p.title.toLowerCase()).join(' | ');
  for (const want of [
    'time to expiry',
    'status',
    'probe latency',
    'probe outcomes',
    'refreshes',
    'last successful run',
  ])
    t.true(titles.includes(want), want);
  const used = new Set(metricNames(exprs.join('\n')));
  for (const m of Object.values(METRICS)) t.true(used.has(m.name), `dashboard shows ${m.name}`);
});

test(
  'docs/monitoring.md documents every metric, docs/runbooks.md every runbook anchor, and no doc names a metric ' +
    'that does not exist',
  async (t) => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    for (const f of ['docs/monitoring.md', 'docs/runbooks.md'])
      if (!existsSync(root + f)) return t.fail(`${f} is missing`);
    const monitoring = read('../../docs/monitoring.md');
    const runbooks = read('../../docs/runbooks.md');
    const gateway = new Set((await createGatewayMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    t.true(gateway.size >= 4);
    for (const m of Object.values(METRICS)) t.true(monitoring.includes(`\`${m.name}\``), m.name);
    for (const name of gateway) t.true(monitoring.includes(`\`${name}\``), name);
    for (const a of ANCHORS) t.true(runbooks.includes(`<a id="${a}"></a>`), a);
    // Every alert rule has its own anchor, on an entry that names the alert.
    for (const alert of [...read('../../exporters/prometheus/rules.yml').matchAll(/- alert: (\w+)/g)].map(
      (m) => m[1] as string,
    )) {
      const at = runbooks.indexOf(`<a id="${alert.toLowerCase()}"></a>`);
      t.true(at >= 0, `runbooks.md has the anchor of ${alert}`);
      const entry = runbooks.slice(at).split(/\n## /)[1] ?? '';
      t.true(entry.includes(`\`${alert}\``), `the runbook entry of ${alert} names it`);
    }
    const docs = [
      'README.md',
      ...readdirSync(`${root}docs`)
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    for (const f of docs) {
      for (const name of metricNames(readFileSync(root + f, 'utf8'))) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        t.true(KNOWN.has(name) || gateway.has(base) || name.startsWith('aipro_auth_profile_probe_'), `${f}: ${name}`);
      }
    }
  },
);

test(
  'the docs name every catalogue alert and give it a runbook anchor; cli.md has `aipro rules print`, alerts.md ' +
    'the inhibit rule',
  (t) => {
    const monitoring = read('../../docs/monitoring.md');
    const runbooks = read('../../docs/runbooks.md');
    const cli = read('../../docs/cli.md');
    for (const def of CATALOGUE) {
      t.true(monitoring.includes(`\`${def.name}\``), def.name);
      t.true(runbooks.includes(`<a id="${def.name.toLowerCase()}"></a>`), def.name);
    }
    for (const flag of ['--warn', '--critical', '--job', '--selector', '--format'])
      t.true(cli.includes(`| \`${flag}\` |`), flag);
    t.true(cli.includes('aipro rules print'));
    t.true(read('../../docs/alerts.md').includes('exporters/prometheus/alertmanager-inhibit.yml'));
  },
);

test('dashboard.json picks one source: a job variable every aipro query filters on, and __inputs for import', (t) => {
  const d = JSON.parse(read('../../exporters/prometheus/dashboard.json'));
  t.deepEqual(
    d.__inputs.map((i: { name: string; type: string; pluginId: string }) => [i.name, i.type, i.pluginId]),
    [['DS_PROMETHEUS', 'datasource', 'prometheus']],
  );
  const vars = d.templating.list as {
    name: string;
    query?: { query: string };
    multi?: boolean;
    includeAll?: boolean;
  }[];
  const job = vars.find((v) => v.name === 'job');
  t.truthy(job);
  t.false(job?.includeAll, 'one source at a time: no "All"');
  t.regex(job?.query?.query ?? '', /label_values\(aipro_build_info, job\)/);
  const exprs: string[] = d.panels.flatMap((p: { targets?: { expr: string }[] }) =>
    (p.targets ?? []).map((x) => x.expr),
  );
  for (const e of exprs)
    for (const sel of e.matchAll(/\b(?:aipro_[a-z_]+|up)\{([^}]*)\}/g)) t.regex(sel[1] as string, /job=~"\$job"/, e);
  for (const e of exprs) t.notRegex(e, /\baipro_[a-z_]+(?![a-z_{])/, `every aipro metric has a selector: ${e}`);
});

/**
 * `aipro rules print`'s generator: the shipped rules.yml is its default output, the
 * PrometheusRule holds the same groups, and rules generated with custom thresholds and a
 * source selector fire at those thresholds (promtool test rules on the generated file).
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRulesOptions, humanSeconds, promSeconds, renderRules } from '../../exporters/prometheus/rules.js';
import { CATALOGUE } from '../../src/alerts/catalogue.js';
import { needBinary, promtool } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';
import { joinRe } from '../helpers/re.js';

const RULES = fileURLToPath(new URL('../../exporters/prometheus/rules.yml', import.meta.url));

test('the shipped rules.yml is byte for byte the default output of the generator', (t) => {
  t.is(
    renderRules(),
    readFileSync(RULES, 'utf8'),
    'regenerate with: aipro rules print > exporters/prometheus/rules.yml',
  );
  t.is(renderRules({ warnS: 7 * 86_400, criticalS: 86_400, job: 'aipro', format: 'prometheus' }), renderRules());
});

test('every catalogue entry becomes exactly one rule with its name, severity, origin and runbook', (t) => {
  const text = renderRules();
  for (const def of CATALOGUE) {
    const block = text.split(`- alert: ${def.name}\n`)[1]?.split('\n\n')[0] ?? '';
    t.truthy(block, def.name);
    t.regex(block, new RegExp(`\\n\\s+severity: ${def.severity}\\n`), def.name);
    t.regex(block, /\n\s+origin: rule\n/, def.name);
    t.true(
      block.includes(
        `runbook_url: https://github.com/aipro/aipro/blob/main/docs/runbooks.md#${def.name.toLowerCase()}`,
      ),
      def.name,
    );
  }
  t.is(text.match(/- alert: /g)?.length, CATALOGUE.length);
});

test('durations: PromQL seconds and the human form', (t) => {
  t.is(promSeconds(7 * 86_400), '7 * 86400');
  t.is(promSeconds(86_400), '86400');
  t.is(promSeconds(12 * 3600), '12 * 3600');
  t.is(promSeconds(90), '90');
  t.is(humanSeconds(86_400), '1d');
  t.is(humanSeconds(12 * 3600), '12h');
  t.deepEqual(checkRulesOptions({ warnS: 3600, criticalS: 7200 }), ['--warn (1h) must be longer than --critical (2h)']);
  t.is(checkRulesOptions({ selector: 'job="a"}) or vector(1' }).length, 1);
  t.is(checkRulesOptions({ job: 'a"b' }).length, 1);
  t.deepEqual(checkRulesOptions({ selector: 'job="node", instance=~"gw.*"' }), []);
});

test('promtool check rules accepts the PrometheusRule spec and custom thresholds', async (t) => {
  const bin = needBinary(t, 'promtool');
  if (!bin) return;
  const dir = tempDir(t, 'aipro-rules-');
  const k8s = renderRules({ format: 'prometheusrule', namespace: 'monitoring' });
  t.regex(
    k8s,
    joinRe(
      '',
      /\napiVersion: monitoring\.coreos\.com\/v1\nkind: PrometheusRule\n/,
      /metadata:\n {2}name: aipro\n {2}namespace: monitoring\n/,
    ),
  );
  // The spec de-indented is a plain rule file with the same rules as the default output.
  const spec = k8s.split('\nspec:\n')[1] as string;
  const plain = spec
    .split('\n')
    .map((l) => l.replace(/^ {2}/, ''))
    .join('\n');
  t.is(
    plain,
    renderRules()
      .split('\ngroups:\n')
      .map((x, i) => (i ? `groups:\n${x}` : ''))
      .join(''),
  );
  writeFileSync(join(dir, 'spec.yml'), plain);
  const r = await promtool(bin, ['check', 'rules', join(dir, 'spec.yml')]);
  t.is(r.code, 0, r.stdout + r.stderr);
  writeFileSync(
    join(dir, 'custom.yml'),
    renderRules({ warnS: 3 * 86_400, criticalS: 12 * 3600, job: 'gw', selector: 'job="gw"' }),
  );
  const c = await promtool(bin, ['check', 'rules', join(dir, 'custom.yml')]);
  t.is(c.code, 0, c.stdout + c.stderr);
});

const LBL = (agent: string, profile: string) =>
  `job="gw",instance="gw1:18790",agent="${agent}",provider="openai",profile="${profile}"`;

function expect(
  name: 'AiproCredentialExpiringSoon' | 'AiproCredentialExpiringCritical',
  profile: string,
  left: string,
): string {
  const severity = name === 'AiproCredentialExpiringSoon' ? 'warning' : 'critical';
  const desc = name === 'AiproCredentialExpiringSoon' ? `expires in ${left}.` : `expires in less than 12h (${left}).`;
  return [
    `          - exp_labels: {severity: ${severity}, origin: rule, job: gw, instance: "gw1:18790", host: gw1, ` +
      `agent: main, provider: openai, profile: "${profile}", type: token, source: profile}`,
    '            exp_annotations:',
    `              summary: "aipro credential ${profile} (agent main) expires in ${left}"`,
    `              description: "The token credential ${profile} of agent main on gw1 ${desc} Fix: \`aipro models ` +
      `auth paste-token --provider openai --profile-id ${profile} --agent main\`"`,
    `              runbook_url: "https://github.com/aipro/aipro/blob/main/docs/runbooks.md#${name.toLowerCase()}"`,
  ].join('\n');
}

test(
  'rules generated with --warn 3d --critical 12h --selector job="gw" fire at those thresholds, on that source ' +
    'only (promtool test rules)',
  async (t) => {
    const bin = needBinary(t, 'promtool');
    if (!bin) return;
    const dir = tempDir(t, 'aipro-rules-');
    writeFileSync(
      join(dir, 'rules.yml'),
      renderRules({ warnS: 3 * 86_400, criticalS: 12 * 3600, job: 'gw', selector: 'job="gw"' }),
    );
    const series = (name: string, labels: string, values: string) =>
      `      - series: '${name}{${labels}}'\n        values: '${values}'`;
    const profiles: [string, number][] = [
      ['openai:four-days', 4 * 86_400], // default rules: warning; 3d rules: nothing
      ['openai:eighteen-hours', 18 * 3600], // default: critical; 12h rules: warning
      ['openai:six-hours', 6 * 3600], // critical either way
    ];
    const input = [
      series('aipro_build_info', 'job="gw",instance="gw1:18790",version="0.1.0",node="v20.19.0",host="gw1"', '1x60'),
      ...profiles.flatMap(([p, s]) => [
        series('aipro_auth_profile_expiry_timestamp_seconds', LBL('main', p), `${s}x60`),
        series('aipro_auth_profile_info', `${LBL('main', p)},type="token",source="profile"`, '1x60'),
      ]),
      // The same credential read from the node_exporter textfile (another job): left out by the selector.
      series('aipro_build_info', 'job="node",instance="gw1:9100",version="0.1.0",node="v20.19.0",host="gw1"', '1x60'),
      series(
        'aipro_auth_profile_expiry_timestamp_seconds',
        'job="node",instance="gw1:9100",agent="main",provider="openai",profile="openai:six-hours"',
        `${6 * 3600}x60`,
      ),
      series(
        'aipro_auth_profile_info',
        'job="node",instance="gw1:9100",agent="main",provider="openai",' +
          'profile="openai:six-hours",type="token",source="profile"',
        '1x60',
      ),
    ];
    const file = [
      'rule_files:',
      '  - rules.yml',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      ...input,
      '    alert_rule_test:',
      '      - eval_time: 20m',
      '        alertname: AiproCredentialExpiringSoon',
      '        exp_alerts:',
      expect('AiproCredentialExpiringSoon', 'openai:eighteen-hours', '17h 40m 0s'),
      '      - eval_time: 20m',
      '        alertname: AiproCredentialExpiringCritical',
      '        exp_alerts:',
      expect('AiproCredentialExpiringCritical', 'openai:six-hours', '5h 40m 0s'),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'rules.test.yml'), file);
    const r = await promtool(bin, ['test', 'rules', join(dir, 'rules.test.yml')]);
    t.is(r.code, 0, r.stdout + r.stderr);
    // The same input under the default rules pages differently: the thresholds really moved.
    writeFileSync(join(dir, 'rules.yml'), renderRules({ selector: 'job="gw"' }));
    const d = await promtool(bin, ['test', 'rules', join(dir, 'rules.test.yml')]);
    t.not(d.code, 0, 'default thresholds must not pass the custom expectations');
  },
);

/** `aipro rules print` through the bundle: default output is the shipped file; bad flags are usage errors. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const RULES = fileURLToPath(new URL('../../exporters/prometheus/rules.yml', import.meta.url));

test('aipro rules print writes the shipped rules.yml; flags change thresholds, job, selector and format', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const def = await runCli(['rules', 'print'], { env: home.env, timeoutMs: 60_000 });
  t.is(def.code, 0, def.stderr);
  t.is(def.stdout, readFileSync(RULES, 'utf8'));
  const custom = await runCli(
    [
      'rules',
      'print',
      '--warn',
      '3d',
      '--critical',
      '12h',
      '--job',
      'gw',
      '--selector',
      'job="gw"',
      '--format',
      'prometheusrule',
      '--namespace',
      'mon',
    ],
    { env: home.env, timeoutMs: 60_000 },
  );
  t.is(custom.code, 0, custom.stderr);
  t.regex(custom.stdout, /\nkind: PrometheusRule\n/);
  t.regex(custom.stdout, /namespace: mon\n/);
  t.regex(custom.stdout, /aipro_auth_profile_expiry_timestamp_seconds\{job="gw"\} - time\(\)\) < 3 \* 86400/);
  t.regex(custom.stdout, /aipro_auth_profile_expiry_timestamp_seconds\{job="gw"\} - time\(\)\) < 12 \* 3600/);
  t.regex(custom.stdout, /up\{job="gw"\} == 0/);
});

test('aipro rules print: bad flags exit 64 with the reason and an example', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  for (const [args, why] of [
    [['--warn', '1d', '--critical', '2d'], /--warn \(1d\) must be longer than --critical \(2d\)/],
    [['--warn', 'soon'], /--warn "soon" is not a duration/],
    [['--format', 'k8s'], /--format "k8s" must be prometheus or prometheusrule/],
    [['--selector', 'job="a"} or vector(1'], /--selector .* must be label matchers/],
  ] as const) {
    const r = await runCli(['rules', 'print', ...args], { env: home.env, timeoutMs: 60_000 });
    t.is(r.code, 64, args.join(' '));
    t.regex(r.stderr, why);
    t.is(r.stdout, '');
  }
});

test('aipro rules print takes its critical band from alerts.criticalWithin unless --critical is given', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  home.writeConfig({ alerts: { criticalWithin: '48h' } });
  const r = await runCli(['rules', 'print'], { env: home.env, timeoutMs: 60_000 });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /- time\(\)\) < 2 \* 86400\n/);
  t.regex(r.stdout, /aipro rules print --critical 2d/);
  const flag = await runCli(['rules', 'print', '--critical', '24h'], { env: home.env, timeoutMs: 60_000 });
  t.is(flag.stdout, readFileSync(RULES, 'utf8'));
});

/**
 * Pushed and rule alerts line up: `amtool check-config` accepts the shipped inhibit rule, and
 * with a real Prometheus (generated rules) and a real Alertmanager (shipped inhibit rule) one
 * expiring credential, alerted by both the rule and the monitor's push, reaches the receiver
 * exactly once, carrying host, profile and runbook_url.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorApp } from '../../exporters/prometheus/app.js';
import { createMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';
import { renderRules } from '../../exporters/prometheus/rules.js';
import { runAlerts } from '../../src/alerts/run.js';
import { findAlertmanager, startAlertmanager } from '../helpers/alertmanager.js';
import { serve } from '../helpers/net.js';
import { needBinary, promtool, startPrometheus } from '../helpers/prometheus.js';
import { eventually } from '../helpers/wait.js';
import { tempDir, tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { H, tokenObs } from '../alerts/obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

const INHIBIT = readFileSync(
  fileURLToPath(new URL('../../exporters/prometheus/alertmanager-inhibit.yml', import.meta.url)),
  'utf8',
);

function amConfig(webhook: string): string {
  return [
    'route:',
    '  receiver: hook',
    '  group_by: [alertname, host, agent, profile]',
    '  group_wait: 250ms',
    '  group_interval: 250ms',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: hook',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhook)}`,
    '        send_resolved: true',
    INHIBIT,
  ].join('\n');
}

test('amtool check-config accepts an Alertmanager config with the shipped inhibit rule', async (t) => {
  const bin = needBinary(t, 'amtool');
  if (!bin) return;
  const dir = tempDir(t, 'aipro-inhibit-');
  writeFileSync(join(dir, 'alertmanager.yml'), amConfig('http://127.0.0.1:9/hook'));
  const r = await promtool(bin, ['check-config', join(dir, 'alertmanager.yml')]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /- 1 inhibit rules/);
});

test(
  'one expiring credential, alerted by rule and push: exactly one notification after inhibition, with host, ' +
    'profile and runbook_url',
  async (t) => {
    const prom = needBinary(t, 'prometheus');
    if (!prom) return;
    const amBin = findAlertmanager();
    if (!amBin) {
      if (process.env.AIPRO_REQUIRE_INTEGRATION === '1')
        return t.fail('prometheus-alertmanager is not installed but AIPRO_REQUIRE_INTEGRATION=1');
      t.log('SKIPPED: prometheus-alertmanager not installed');
      return t.pass();
    }
    const dir = tempDir(t, 'aipro-inhibit-');
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const rx = await startWebhookReceiver();
    t.teardown(() => rx.close());
    const am = await startAlertmanager(amBin, amConfig(`${rx.url}/hook`));
    t.teardown(() => am.close());

    // The exporter side: one token with 12 hours left (critical band on both sides), host gw1.
    const now = Date.now();
    const obs = tokenObs(now + 12 * H, now);
    const metrics = createMetrics({ defaultMetrics: false, buildInfo: { host: 'gw1' } });
    updateFromObservations(metrics, [obs], now);
    const exporter = await serve(monitorApp({ source: metrics, notReady: () => null }));
    t.teardown(exporter.close);
    const target = new URL(exporter.url).host;

    // The shipped rules with their `for` windows cut to 0 so the test need not wait 5 minutes
    // (the absent alert keeps its window: it would fire before the first scrape).
    const rules = renderRules().replace(/for: \S+(?=\n[\s\S]*?- alert: AiproMonitorAbsent)/g, 'for: 0s');
    writeFileSync(join(dir, 'rules.yml'), rules);
    const p = await startPrometheus(prom, target, [join(dir, 'rules.yml')], { alertmanager: new URL(am.url).host });
    t.teardown(() => p.stop());

    const ruleAlert = await eventually(
      async () =>
        (await am.alerts('origin="rule"')).find((a) => a.labels.alertname === 'AiproCredentialExpiringCritical'),
      60_000,
      'the rule alert in Alertmanager',
    );
    t.like(ruleAlert.labels, { host: 'gw1', agent: 'main', profile: 'anthropic:work', severity: 'critical' });
    await eventually(async () => rx.requests.length >= 1, 30_000, 'the rule alert notification');

    // The monitor pushes its alert for the same credential to the same Alertmanager.
    const config = defaultConfig({
      monitor: { statePath: join(home.stateDir, 'monitor', 'state.json') },
      alerts: { hostname: 'gw1', channels: { am: { type: 'alertmanager', url: am.url } } },
    });
    const log = captureLog();
    t.deepEqual(
      await runAlerts({ config, env: home.env, observations: [obs], now, log, cycleIntervalMs: 60_000 }),
      { sent: 1, pending: 0 },
      log.lines.join('\n'),
    );
    const pushed = await eventually(
      async () => {
        const a = (await am.alerts('origin="push"')).find(
          (x) => x.labels.alertname === 'AiproCredentialExpiringCritical',
        );
        return a?.status.state === 'suppressed' ? a : null;
      },
      30_000,
      'the pushed alert to be inhibited',
    );
    t.true((pushed.status.inhibitedBy ?? []).length > 0);
    t.like(pushed.labels, { host: 'gw1', agent: 'main', profile: 'anthropic:work', severity: 'critical' });

    // Six group intervals later the receiver still got exactly one notification: the rule's.
    await new Promise((r) => setTimeout(r, 1500));
    const notes = rx.requests.map(
      (r) =>
        r.json as { status: string; alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] },
    );
    t.is(notes.length, 1, JSON.stringify(notes));
    const alerts = notes.flatMap((n) => n.alerts);
    t.is(alerts.length, 1);
    const a = alerts[0]!;
    t.like(a.labels, {
      alertname: 'AiproCredentialExpiringCritical',
      origin: 'rule',
      host: 'gw1',
      profile: 'anthropic:work',
    });
    t.is(
      a.annotations.runbook_url,
      'https://github.com/aipro/aipro/blob/main/docs/runbooks.md#aiprocredentialexpiringcritical',
    );
  },
);

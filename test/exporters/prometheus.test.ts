/**
 * Real Prometheus tooling against the shipped content and the real daemon:
 * `promtool check rules` / `test rules`, `promtool check metrics` on a live /metrics,
 * and a real Prometheus scraping `aipro monitor` and answering queries about it.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { needBinary, promtool, startPrometheus } from '../helpers/prometheus.js';
import { eventually } from '../helpers/wait.js';
import { tempHome } from '../helpers/tmp.js';
import { spawnMonitor } from '../daemon/spawn.js';
import { writeKnownStores } from './known-store.js';

const RULES = fileURLToPath(new URL('../../exporters/prometheus/rules.yml', import.meta.url));
const RULES_TEST = fileURLToPath(new URL('../../exporters/prometheus/rules.test.yml', import.meta.url));

test('promtool check rules accepts rules.yml', async (t) => {
  const bin = needBinary(t, 'promtool');
  if (!bin) return;
  const r = await promtool(bin, ['check', 'rules', RULES]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /SUCCESS: 15 rules found/);
});

test('promtool test rules: every alert fires and stays quiet where it should', async (t) => {
  const bin = needBinary(t, 'promtool');
  if (!bin) return;
  const r = await promtool(bin, ['test', 'rules', RULES_TEST]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /SUCCESS/);
});

test(
  'a real Prometheus scrapes `aipro monitor`: series and values over its HTTP API; promtool check metrics on ' +
    '/metrics',
  async (t) => {
    const prom = needBinary(t, 'prometheus');
    const tool = needBinary(t, 'promtool');
    if (!prom || !tool) return;
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const now = Date.now();
    const env = writeKnownStores(home, now);
    home.writeConfig({ monitor: { schedules: { validity: '0 0 1 1 *', refresh: '0 0 1 1 *' } } });
    const m = spawnMonitor(env);
    t.teardown(() => m.kill());
    await m.waitFor((e) => e.event === 'monitor.ready');
    const port = await m.port();

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const check = await promtool(tool, ['check', 'metrics'], text);
    t.is(check.code, 0, check.stdout + check.stderr);

    const p = await startPrometheus(prom, `127.0.0.1:${port}`, [RULES]);
    t.teardown(() => p.stop());
    await eventually(
      async () => (await p.query('up{job="aipro"} == 1')).length === 1,
      30_000,
      'the first successful scrape',
    );

    const expired = await p.query('aipro_auth_profile_status{profile="anthropic:old"} == 1');
    t.deepEqual(
      expired.map((s) => s.metric.status),
      ['expired'],
    );
    t.is(expired[0]?.metric.agent, 'main');

    const expiry = await p.query('aipro_auth_profile_expiry_timestamp_seconds{profile="anthropic:old"}');
    t.is(Number(expiry[0]?.value[1]), (now - 2 * 86_400_000) / 1000);

    const perProfile = await p.query('count by (agent, profile) (aipro_auth_profile_status)');
    t.true(perProfile.length >= 9);
    for (const s of perProfile) t.is(s.value[1], '8', JSON.stringify(s.metric));

    const info = await p.query('aipro_auth_profile_info{profile="openai:env"}');
    t.deepEqual(info.map((s) => [s.metric.agent, s.metric.type, s.metric.source]).sort(), [
      ['main', 'api_key', 'env'],
      ['ops', 'api_key', 'env'],
    ]);

    t.is((await p.query('aipro_auth_profile_probe_valid{profile="openai:bad"}'))[0]?.value[1], '0');
    t.is((await p.query('aipro_build_info'))[0]?.value[1], '1');
    t.true((await p.query('aipro_monitor_last_success_timestamp_seconds{monitor="expiry"}')).length === 1);
    t.true((await p.query('process_resident_memory_bytes{job="aipro"}')).length === 1);
    t.is((await p.query('aipro_auth_profile_expiry_timestamp_seconds == 0')).length, 0);
    // Quota and clock skew from the stored probe and gateway observations.
    t.is(
      (await p.query('aipro_quota_utilization_ratio{profile="openai-codex:me@example.com",window="5h"}'))[0]?.value[1],
      '1',
    );
    t.is(
      (await p.query('aipro_quota_utilization_ratio{profile="anthropic:default",window="requests"}'))[0]?.value[1],
      '0.82',
    );
    t.is((await p.query('aipro_clock_skew_seconds{provider="anthropic"}'))[0]?.value[1], '300');

    // The shipped rules load and evaluate against the live series: expired/rejected go pending.
    const groups = await p.api<{ groups: { rules: { name: string; health: string }[] }[] }>('rules');
    const rules = groups.groups.flatMap((g) => g.rules);
    t.is(rules.length, 15);
    for (const r of rules) t.not(r.health, 'err', r.name);
    const alerts = await eventually(
      async () => {
        const a = await p.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('alerts');
        return a.alerts.some((x) => x.labels.alertname === 'AiproCredentialExpired') &&
          a.alerts.some((x) => x.labels.alertname === 'AiproCredentialRejected')
          ? a.alerts
          : null;
      },
      30_000,
      'pending alerts',
    );
    const expiredAlert = alerts.find((a) => a.labels.alertname === 'AiproCredentialExpired');
    t.is(expiredAlert?.labels.profile, 'anthropic:old');
    t.is(expiredAlert?.labels.type, 'token');
    t.true(
      alerts.some(
        (a) => a.labels.alertname === 'AiproCredentialExpiringCritical' && a.labels.profile === 'anthropic:soon',
      ),
    );
    await eventually(
      async () => {
        const a = await p.api<{ alerts: { labels: Record<string, string> }[] }>('alerts');
        const names = a.alerts.map((x) => `${x.labels.alertname}:${x.labels.profile ?? x.labels.provider}`);
        return (
          names.includes('AiproQuotaExhausted:openai-codex:me@example.com') &&
          names.includes('AiproQuotaHigh:anthropic:default') &&
          names.includes('AiproClockSkew:anthropic')
        );
      },
      30_000,
      'quota and clock-skew alerts pending',
    );
    // Absent may go pending on an evaluation before the first scrape; with the target up it clears.
    await eventually(
      async () => {
        const a = await p.api<{ alerts: { labels: Record<string, string> }[] }>('alerts');
        return !a.alerts.some((x) => x.labels.alertname === 'AiproMonitorAbsent');
      },
      15_000,
      'AiproMonitorAbsent to stay quiet while the target is up',
    );
    t.pass();
  },
);

/**
 * One catalogue for pushed and rule alerts: every pushed kind has exactly one name (two for the
 * expiry bands), pushed alerts carry the rule's labels and annotations, and severities agree
 * (12 hours left is critical on both sides).
 */
import test from 'ava';
import { CATALOGUE, pushedDef } from '../../src/alerts/catalogue.js';
import { notificationOf } from '../../src/alerts/engine.js';
import { amAlertsFor } from '../../src/alerts/payloads.js';
import { ALERT_KINDS, type Episode, type FiringKind } from '../../src/alerts/types.js';
import { renderRules } from '../../exporters/prometheus/rules.js';
import { D, H, T0, policy } from './obs.js';

const FIRING = ALERT_KINDS.filter((k): k is FiringKind => k !== 'resolved' && k !== 'test');

test('every pushed kind is raised under a catalogue name that the generated rules also use', (t) => {
  const rules = renderRules();
  for (const kind of FIRING) {
    const def = pushedDef(kind, 3 * D);
    t.true(rules.includes(`- alert: ${def.name}\n`), `${kind} -> ${def.name}`);
  }
  const names = CATALOGUE.map((d) => d.name);
  t.is(new Set(names).size, names.length, 'names are unique');
  t.is(pushedDef('expiring', 3 * D).name, 'AiproCredentialExpiringSoon');
  t.is(pushedDef('expiring', 12 * H).name, 'AiproCredentialExpiringCritical');
  t.is(pushedDef('refresh_failed', undefined).name, 'AiproOAuthRefreshFailing');
  t.is(pushedDef('probe_failing', undefined).name, 'AiproProbesFailing');
});

function episode(condition: FiringKind, expiresAt?: number): Episode {
  return {
    id: 'ep1',
    track: 'status',
    agent: 'main',
    provider: 'anthropic',
    profile: 'anthropic:work',
    credentialType: 'token',
    startedAt: T0,
    condition,
    passed: [],
    announced: [],
    lastNotifiedAt: 0,
    repeats: 0,
    notified: false,
    last: { status: 'expiring', detail: 'expires soon', ...(expiresAt !== undefined ? { expiresAt } : {}) },
  };
}

test(
  '12 hours left: the pushed alert is AiproCredentialExpiringCritical, severity critical, and ends the ' +
    'warning-band alert',
  (t) => {
    const n = notificationOf(episode('expiring', T0 + 12 * H), 'expiring', '1d', T0, policy());
    t.is(n.severity, 'critical');
    const alerts = amAlertsFor(n, { now: T0, endsAt: T0 + 7 * D, generatorURL: 'http://gw1/metrics' });
    t.deepEqual(
      alerts.map((a) => [a.labels.alertname, a.labels.severity, a.endsAt]),
      [
        ['AiproCredentialExpiringCritical', 'critical', '2026-01-17T12:00:00Z'],
        ['AiproCredentialExpiringSoon', 'warning', '2026-01-10T12:00:00Z'],
      ],
    );
    for (const a of alerts) {
      t.like(a.labels, {
        origin: 'push',
        host: 'gw1',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:work',
      });
      t.is(
        a.annotations.runbook_url,
        `https://github.com/aipro/aipro/blob/main/docs/runbooks.md#${a.labels.alertname?.toLowerCase()}`,
      );
    }
    t.is(alerts[0]?.annotations.summary, 'aipro credential anthropic:work (agent main) expires in 12 hours');
    t.regex(alerts[0]?.annotations.description ?? '', /expires in less than 1d \(12 hours\)\. Fix: `.+`$/);
  },
);

test('3 days left: warning, one alert; resolving an expiring episode ends both band names', (t) => {
  const n = notificationOf(episode('expiring', T0 + 3 * D), 'expiring', '3d', T0, policy());
  t.is(n.severity, 'warning');
  t.deepEqual(
    amAlertsFor(n, { now: T0, endsAt: T0 + D, generatorURL: '' }).map((a) => a.labels.alertname),
    ['AiproCredentialExpiringSoon'],
  );
  const r = notificationOf(episode('expiring', T0 + 3 * D), 'resolved', undefined, T0, policy());
  const ended = amAlertsFor(r, { now: T0, endsAt: T0, generatorURL: '' });
  t.deepEqual(ended.map((a) => a.labels.alertname).sort(), [
    'AiproCredentialExpiringCritical',
    'AiproCredentialExpiringSoon',
  ]);
  t.true(ended.every((a) => a.endsAt === '2026-01-10T12:00:00Z'));
});

test('expiring -> expired in one episode: the expired alert fires and both expiring names end', (t) => {
  const n = notificationOf({ ...episode('expired', T0 - H) }, 'expired', undefined, T0, policy(), 'expiring');
  const alerts = amAlertsFor(n, { now: T0, endsAt: T0 + 7 * D, generatorURL: '' });
  t.is(alerts[0]?.labels.alertname, 'AiproCredentialExpired');
  t.deepEqual(
    alerts
      .slice(1)
      .map((a) => a.labels.alertname)
      .sort(),
    ['AiproCredentialExpiringCritical', 'AiproCredentialExpiringSoon'],
  );
});

test(
  'alerts.criticalWithin moves the pushed band like `rules print --critical`: 30 hours left is critical under ' + '48h',
  (t) => {
    const p = policy({ criticalMs: 48 * H });
    const n = notificationOf(episode('expiring', T0 + 30 * H), 'expiring', '3d', T0, p);
    t.is(n.severity, 'critical');
    const [a] = amAlertsFor(n, { now: T0, endsAt: T0 + D, generatorURL: '', criticalMs: 48 * H });
    t.is(a?.labels.alertname, 'AiproCredentialExpiringCritical');
    t.regex(a?.annotations.description ?? '', /less than 2d \(1 day\)/);
    t.is(notificationOf(episode('expiring', T0 + 30 * H), 'expiring', '3d', T0, policy()).severity, 'warning');
  },
);

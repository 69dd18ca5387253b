/** Quota and clock-skew series: set from observations, gone with their profile or their window. */
import test from 'ava';
import type { CredentialObservation } from '../../monitors/types.js';
import { createMetrics, renderMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';

const NOW = Date.UTC(2026, 0, 15);
const cred = (profile: string, extra: Partial<CredentialObservation> = {}): CredentialObservation => ({
  kind: 'credential',
  agent: 'main',
  provider: profile.split(':')[0] as string,
  profile,
  type: 'api_key',
  source: 'profile',
  status: 'static',
  detail: '',
  ...extra,
});
const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));

test('quota series per window, 0–1; a deleted profile takes its quota series with it', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  const quota = {
    at: NOW - 5000,
    status: 'allowed_warning',
    windows: [
      { window: 'five_hour', utilization: 82, resetsAt: NOW + 3_600_000 },
      { window: '7d', utilization: 40 },
    ],
  };
  updateFromObservations(m, [cred('anthropic:sub', { quota }), cred('anthropic:key')], NOW);
  let text = await renderMetrics(m);
  t.deepEqual(lines(text, 'aipro_quota_utilization_ratio'), [
    'aipro_quota_utilization_ratio{agent="main",provider="anthropic",profile="anthropic:sub",window="5h"} 0.82',
    'aipro_quota_utilization_ratio{agent="main",provider="anthropic",profile="anthropic:sub",window="7d"} 0.4',
  ]);
  t.deepEqual(lines(text, 'aipro_quota_reset_timestamp_seconds'), [
    `aipro_quota_reset_timestamp_seconds{agent="main",provider="anthropic",profile="anthropic:sub",window="5h"} ` +
      `${(NOW + 3_600_000) / 1000}`,
  ]);
  t.deepEqual(lines(text, 'aipro_quota_observed_timestamp_seconds'), [
    `aipro_quota_observed_timestamp_seconds{agent="main",provider="anthropic",profile="anthropic:sub"} ` +
      `${(NOW - 5000) / 1000}`,
  ]);
  const json = await m.quotaUtilization.get();
  t.deepEqual(
    json.values.map((v) => [v.labels.window, v.value]),
    [
      ['5h', 0.82],
      ['7d', 0.4],
    ],
  );

  // An hour later the 5h window has reset: its number is stale and left out.
  updateFromObservations(m, [cred('anthropic:sub', { quota }), cred('anthropic:key')], NOW + 3_600_000);
  text = await renderMetrics(m);
  t.deepEqual(
    lines(text, 'aipro_quota_utilization_ratio').map((l) => l.replace(/.*window="(\w+)".*/, '$1')),
    ['7d'],
  );
  t.deepEqual(lines(text, 'aipro_quota_reset_timestamp_seconds'), []);

  // The profile is deleted: the next complete batch drops every quota series of it.
  updateFromObservations(m, [cred('anthropic:key')], NOW + 3_600_000);
  text = await renderMetrics(m);
  for (const name of [
    'aipro_quota_utilization_ratio',
    'aipro_quota_reset_timestamp_seconds',
    'aipro_quota_observed_timestamp_seconds',
  ])
    t.deepEqual(lines(text, name), [], name);
});

test('clock skew per provider comes from its latest probe', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  const probe = (at: number, clockSkewMs: number) => ({ ok: true, reason: 'ok', at, clockSkewMs });
  updateFromObservations(
    m,
    [
      cred('anthropic:a', { probe: probe(NOW - 60_000, 1000) }),
      cred('anthropic:b', { probe: probe(NOW - 1000, 300_400) }),
      cred('openai:c', { probe: probe(NOW - 5000, -90_000) }),
      cred('openai:d'),
    ],
    NOW,
  );
  const text = await renderMetrics(m);
  t.deepEqual(lines(text, 'aipro_clock_skew_seconds'), [
    'aipro_clock_skew_seconds{provider="anthropic"} 300.4',
    'aipro_clock_skew_seconds{provider="openai"} -90',
  ]);
  // The probing profiles are gone: so is the skew.
  updateFromObservations(m, [cred('openai:d')], NOW);
  t.deepEqual(lines(await renderMetrics(m), 'aipro_clock_skew_seconds'), []);
});

test(
  'a textfile round trip keeps the quota series (an unreadable store on the next --once run does not drop ' + 'them)',
  async (t) => {
    const { seedFromText } = await import('../../exporters/prometheus/seed.js');
    const m = createMetrics({ defaultMetrics: false });
    const quota = {
      at: NOW - 5000,
      windows: [
        { window: '5h', utilization: 100, resetsAt: NOW + 3_600_000 },
        { window: '7d', utilization: 41 },
      ],
    };
    updateFromObservations(m, [cred('anthropic:sub', { quota })], NOW);
    const text = await renderMetrics(m, { textfile: true });
    const fresh = createMetrics({ defaultMetrics: false });
    seedFromText(fresh, text);
    // The next run cannot read the store: the seeded series stay.
    updateFromObservations(
      fresh,
      [
        { kind: 'store', agent: 'main', path: '/x', ok: false, reason: 'parse', detail: 'bad' },
        cred('openai:other', { agent: 'ops' }),
      ],
      NOW + 60_000,
    );
    const again = await renderMetrics(fresh, { textfile: true });
    for (const name of [
      'aipro_quota_utilization_ratio',
      'aipro_quota_reset_timestamp_seconds',
      'aipro_quota_observed_timestamp_seconds',
    ]) {
      t.deepEqual(lines(again, name), lines(text, name), name);
      t.true(lines(text, name).length > 0, name);
    }
  },
);

/**
 * `monitor.labels.profile: hash`: metrics and pushed Alertmanager alerts carry a stable short
 * hash instead of a profile id that may be an e-mail address; `models status` shows the mapping.
 */
import test from 'ava';
import { createMetrics, renderMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';
import { notificationOf } from '../../src/alerts/engine.js';
import { amAlertsFor } from '../../src/alerts/payloads.js';
import { profileLabel } from '../../src/util/profile-label.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { D, T0, policy } from '../alerts/obs.js';

const ID = 'openai-codex:me@example.com';

test('the hash is stable, short, keeps the provider, and leaves ids alone by default', (t) => {
  const h = profileLabel(ID, 'hash');
  t.regex(h, /^openai-codex:[0-9a-f]{12}$/);
  t.is(profileLabel(ID, 'hash'), h);
  t.not(profileLabel('openai-codex:you@example.com', 'hash'), h);
  t.is(profileLabel(ID), ID);
  t.is(profileLabel(ID, 'id'), ID);
  t.is(profileLabel('auth-store', 'hash'), 'auth-store', 'the pseudo profile of an unreadable store stays');
});

test('metrics and pushed alerts carry the same hashed profile label and never the e-mail address', async (t) => {
  const m = createMetrics({ defaultMetrics: false, profileLabel: 'hash' });
  updateFromObservations(
    m,
    [
      {
        kind: 'credential',
        agent: 'main',
        provider: 'openai-codex',
        profile: ID,
        type: 'token',
        source: 'profile',
        status: 'expiring',
        detail: '',
        expiresAt: T0 + 3 * D,
      },
    ],
    T0,
  );
  const text = await renderMetrics(m);
  t.false(text.includes('me@example.com'));
  t.true(text.includes(`profile="${profileLabel(ID, 'hash')}"`));

  const ep = {
    id: 'e',
    track: 'status' as const,
    agent: 'main',
    provider: 'openai-codex',
    profile: ID,
    credentialType: 'token',
    startedAt: T0,
    condition: 'expiring' as const,
    passed: [],
    announced: [],
    lastNotifiedAt: 0,
    repeats: 0,
    notified: false,
    last: { status: 'expiring' as const, detail: '', expiresAt: T0 + 3 * D },
  };
  const n = notificationOf(ep, 'expiring', '3d', T0, policy());
  const [a] = amAlertsFor(n, { now: T0, endsAt: T0 + D, generatorURL: '', profileLabel: 'hash' });
  t.is(a?.labels.profile, profileLabel(ID, 'hash'));
  t.is(amAlertsFor(n, { now: T0, endsAt: T0 + D, generatorURL: '' })[0]?.labels.profile, ID);
});

test('models status --json shows metricsLabel (the mapping) only with monitor.labels.profile hash', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  home.writeStore({
    version: 1,
    profiles: {
      [ID]: {
        type: 'oauth',
        provider: 'openai-codex',
        access: 'a'.repeat(40),
        refresh: 'r'.repeat(40),
        expires: Date.now() + 3_600_000,
      },
    },
  });
  const plain = await runCli(['models', 'status', '--json'], { env: home.env, timeoutMs: 60_000 });
  const row = (out: string) =>
    (JSON.parse(out) as { agents: { profiles: { id: string; metricsLabel?: string }[] }[] }).agents[0]?.profiles.find(
      (p) => p.id === ID,
    );
  t.is(row(plain.stdout)?.metricsLabel, undefined, plain.stderr);
  home.writeConfig({ monitor: { labels: { profile: 'hash' } } });
  const hashed = await runCli(['models', 'status', '--json'], { env: home.env, timeoutMs: 60_000 });
  t.is(row(hashed.stdout)?.metricsLabel, profileLabel(ID, 'hash'), hashed.stderr);
  const text = await runCli(['models', 'status'], { env: home.env, timeoutMs: 60_000 });
  t.true(text.stdout.includes(`metrics label ${profileLabel(ID, 'hash')}`), text.stdout);
});

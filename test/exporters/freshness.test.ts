/**
 * Per-profile freshness and OAuth refresh timing (last probe time and HTTP status, next
 * refresh, refresh-token end) and counters whose label values exist at 0 from the start.
 */
import test from 'ava';
import type { CredentialObservation } from '../../monitors/types.js';
import { absentWhenUndefined, type ObsOverrides } from '../alerts/obs.js';
import {
  createMetrics,
  initAlertCounters,
  renderMetrics,
  updateFromObservations,
} from '../../exporters/prometheus/registry.js';
import { parseTokenResponse } from '../../src/oauth/token-endpoint.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const S = NOW / 1000;
const L = 'agent="main",provider="openai-codex",profile="openai-codex:me@example.com"';

function codex(over: ObsOverrides = {}): CredentialObservation {
  return absentWhenUndefined({
    kind: 'credential',
    agent: 'main',
    provider: 'openai-codex',
    profile: 'openai-codex:me@example.com',
    type: 'oauth',
    source: 'profile',
    status: 'ok',
    detail: 'access token expires in 1h, refreshes automatically',
    expiresAt: NOW + 3_600_000,
    refreshable: true,
    nextRefreshAt: NOW + 3_300_000,
    refreshExpiresAt: NOW + 30 * 86_400_000,
    probe: { ok: false, reason: 'rate_limit', httpStatus: 429, latencyMs: 120, at: NOW - 60_000 },
    ...over,
  });
}

const value = (text: string, name: string, labels = L) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

test(
  'self-refreshing OAuth exports its next refresh and refresh-token end; the probe its time and HTTP ' + 'status',
  async (t) => {
    const m = createMetrics({ defaultMetrics: false });
    updateFromObservations(m, [codex()], NOW);
    let text = await renderMetrics(m);
    t.is(value(text, 'aipro_oauth_next_refresh_timestamp_seconds'), S + 3300);
    t.is(value(text, 'aipro_auth_profile_refresh_expiry_timestamp_seconds'), S + 30 * 86_400);
    t.is(value(text, 'aipro_auth_profile_last_probe_timestamp_seconds'), S - 60);
    t.is(value(text, 'aipro_auth_profile_probe_http_status'), 429);
    // Still no expiry timestamp: a routine access-token expiry never pages.
    t.is(value(text, 'aipro_auth_profile_expiry_timestamp_seconds'), undefined);

    // A live probe now: its time is the cycle's, no HTTP answer is status 0.
    updateFromObservations(
      m,
      [
        {
          kind: 'probe',
          agent: 'main',
          provider: 'openai-codex',
          profile: 'openai-codex:me@example.com',
          ok: false,
          reason: 'timeout',
          latencyMs: 8000,
        },
      ],
      NOW + 5000,
    );
    text = await renderMetrics(m);
    t.is(value(text, 'aipro_auth_profile_last_probe_timestamp_seconds'), S + 5);
    t.is(value(text, 'aipro_auth_profile_probe_http_status'), 0);

    // Not refreshable any more (refresh token gone): no next refresh; no stated end: no refresh expiry.
    updateFromObservations(
      m,
      [codex({ refreshable: false, nextRefreshAt: undefined, refreshExpiresAt: undefined, probe: undefined })],
      NOW + 10_000,
    );
    text = await renderMetrics(m);
    t.is(value(text, 'aipro_oauth_next_refresh_timestamp_seconds'), undefined);
    t.is(value(text, 'aipro_auth_profile_refresh_expiry_timestamp_seconds'), undefined);
    t.is(value(text, 'aipro_auth_profile_last_probe_timestamp_seconds'), undefined);

    // The profile is deleted: every series goes.
    updateFromObservations(m, [{ ...codex(), agent: 'ops', profile: 'openai-codex:other' }], NOW + 20_000);
    text = await renderMetrics(m);
    t.notRegex(text, /profile="openai-codex:me@example\.com"/);
  },
);

test(
  'counters exist at 0 from the start: probe errors per provider, refreshes per OAuth provider, notifications per ' +
    'channel',
  async (t) => {
    const m = createMetrics({ defaultMetrics: false });
    updateFromObservations(
      m,
      [
        codex(),
        { ...codex(), provider: 'anthropic', profile: 'anthropic:default', type: 'api_key', refreshable: false },
      ],
      NOW,
    );
    initAlertCounters(m, ['ops-mail', 'am']);
    const text = await renderMetrics(m);
    for (const reason of ['auth', 'billing', 'rate_limit', 'timeout', 'network', 'unknown']) {
      t.is(value(text, 'aipro_auth_probe_errors_total', `provider="anthropic",reason="${reason}"`), 0, reason);
      t.is(value(text, 'aipro_auth_probe_errors_total', `provider="openai-codex",reason="${reason}"`), 0, reason);
    }
    t.is(
      value(text, 'aipro_auth_probe_errors_total', 'provider="anthropic",reason="ok"'),
      undefined,
      'ok is not an error',
    );
    for (const result of ['ok', 'failed', 'error', 'skipped'])
      t.is(value(text, 'aipro_oauth_refresh_total', `provider="openai-codex",result="${result}"`), 0);
    t.is(
      value(text, 'aipro_oauth_refresh_total', 'provider="anthropic",result="ok"'),
      undefined,
      'no OAuth, no refresh counters',
    );
    for (const channel of ['ops-mail', 'am'])
      for (const result of ['delivered', 'retry', 'permanent', 'dropped'])
        t.is(value(text, 'aipro_alert_notifications_total', `channel="${channel}",result="${result}"`), 0);
    // The first failure counts from 0: increase() sees it.
    updateFromObservations(
      m,
      [
        {
          kind: 'probe',
          agent: 'main',
          provider: 'anthropic',
          profile: 'anthropic:default',
          ok: false,
          reason: 'auth',
          latencyMs: 10,
          httpStatus: 401,
        },
      ],
      NOW,
    );
    t.is(value(await renderMetrics(m), 'aipro_auth_probe_errors_total', 'provider="anthropic",reason="auth"'), 1);
  },
);

test('a token response that states the refresh token lifetime records its end', (t) => {
  const tokens = parseTokenResponse(
    { access_token: 'a'.repeat(20), refresh_token: 'r'.repeat(20), expires_in: 3600, refresh_token_expires_in: 86_400 },
    NOW,
  );
  t.is(tokens?.refreshExpires, NOW + 86_400_000);
  t.is(parseTokenResponse({ access_token: 'a'.repeat(20), expires_in: 3600 }, NOW)?.refreshExpires, undefined);
});

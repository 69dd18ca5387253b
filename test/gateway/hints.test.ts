/** Pure parts of the gateway's fault handling: retry hints, the exhausted verdict, header encoding. */
import test from 'ava';
import { exhaustedError, retryAfterSeconds } from '../../src/gateway/exhausted.js';
import { headerValue as encodeHeaderValue } from '../../src/util/header-value.js';
import { parseResetDuration, upstreamRetryAt } from '../../src/gateway/retry-hints.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

test('upstreamRetryAt: retry-after-ms, retry-after, then the reset of the spent limit', (t) => {
  t.is(upstreamRetryAt({ 'retry-after-ms': '1500', 'retry-after': '9' }, now), now + 1500);
  t.is(upstreamRetryAt({ 'retry-after': '7' }, now), now + 7000);
  t.is(upstreamRetryAt({ 'retry-after': new Date(now + 20_000).toUTCString() }, now), now + 20_000);
  const anthropic = {
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': new Date(now + 12_000).toISOString(),
    'anthropic-ratelimit-tokens-remaining': '5000',
    'anthropic-ratelimit-tokens-reset': new Date(now + 50_000).toISOString(),
  };
  t.is(upstreamRetryAt(anthropic, now), now + 12_000, 'the exhausted limit decides');
  t.is(
    upstreamRetryAt(
      { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '6m0s', 'x-ratelimit-reset-requests': '1s' },
      now,
    ),
    now + 360_000,
  );
  t.is(
    upstreamRetryAt({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '20ms' }, now),
    now + 1000,
    'none marked spent: the later reset',
  );
  t.is(upstreamRetryAt({ 'content-type': 'application/json' }, now), undefined);
  t.is(upstreamRetryAt({ 'retry-after': 'soon' }, now), undefined);
});

test(
  'upstreamRetryAt: Anthropic unified resets are epoch seconds, not a delay; a rejected window names the retry ' +
    'time',
  (t) => {
    const resetS = Math.floor(now / 1000) + 3600;
    const rejected = {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '1.0',
      'anthropic-ratelimit-unified-5h-reset': String(resetS),
      'anthropic-ratelimit-unified-7d-utilization': '0.2',
      'anthropic-ratelimit-unified-7d-reset': String(resetS + 5 * 86_400),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    };
    t.is(upstreamRetryAt(rejected, now), resetS * 1000);
    // Allowed: the unified windows say nothing about when to retry (and never 55 years from now).
    t.is(
      upstreamRetryAt(
        { 'anthropic-ratelimit-unified-status': 'allowed', 'anthropic-ratelimit-unified-5h-reset': String(resetS) },
        now,
      ),
      undefined,
    );
  },
);

test('parseResetDuration: Go-style durations only', (t) => {
  t.is(parseResetDuration('1h2m3.5s'), 3_723_500);
  t.is(parseResetDuration('20ms'), 20);
  t.is(parseResetDuration('6m0s'), 360_000);
  t.is(parseResetDuration('2026-01-01T00:00:00Z'), undefined);
  t.is(parseResetDuration('7'), undefined);
});

test(
  'exhaustedError: x-should-retry only when something could succeed, retry-after from the earliest usable ' +
    'credential',
  (t) => {
    const refused = exhaustedError(
      'main',
      'anthropic/m',
      [
        { model: 'anthropic/m', profile: 'anthropic:a', reason: 'auth', status: 401, coolingUntil: now + 30_000 },
        { model: 'anthropic/m', profile: 'anthropic:b', reason: 'billing', status: 402 },
      ],
      [],
      now,
    );
    t.false(refused.shouldRetry);
    t.is(refused.retryAfterS, undefined, 'an auth cooldown is no time to come back');
    const mixed = exhaustedError(
      'main',
      'anthropic/m',
      [
        { model: 'anthropic/m', profile: 'anthropic:a', reason: 'auth', status: 401, coolingUntil: now + 30_000 },
        {
          model: 'anthropic/m',
          profile: 'anthropic:b',
          reason: 'rate_limit',
          status: 429,
          coolingUntil: now + 60_000,
          retryAt: now + 4_200,
        },
      ],
      [],
      now,
    );
    t.true(mixed.shouldRetry);
    t.is(mixed.retryAfterS, 5);
    t.is(
      retryAfterSeconds([{ model: 'm', reason: 'rate_limit', coolingUntil: now + 30_000 }], now),
      30,
      'no upstream hint: the cooldown',
    );
    const none = exhaustedError(
      'main',
      'anthropic/m',
      [],
      [{ model: 'anthropic/m', reason: 'no_credentials', detail: 'no credential for anthropic' }],
      now,
    );
    t.is(none.status, 503);
    t.false(none.shouldRetry);
  },
);

test('headerValue: visible ASCII passes, everything else is percent-encoded UTF-8', (t) => {
  t.is(encodeHeaderValue('anthropic:work'), 'anthropic:work');
  t.is(encodeHeaderValue('openai-codex:me@example.com'), 'openai-codex:me@example.com');
  t.is(encodeHeaderValue('anthropic:中文'), 'anthropic:%E4%B8%AD%E6%96%87');
  t.is(encodeHeaderValue('a:100% é'), 'a:100%25%20%C3%A9');
  t.is(encodeHeaderValue('a:\ud800'), 'a:%EF%BF%BD', 'a lone surrogate does not throw');
  for (const s of ['anthropic:中文', 'a:100% é', 'x:\r\nset-cookie: y', 'p:😀'])
    t.is(decodeURIComponent(encodeHeaderValue(s)), s);
});

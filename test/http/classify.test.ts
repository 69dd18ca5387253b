/**
 * The one classifier of an upstream's answer, probes and gateway alike. Every case is listed
 * once: status and body → reason, and what the reason means (fail over, cool down, refresh).
 */
import test from 'ava';
import {
  CLAUDE_CODE_ONLY_HINT,
  classifyHttp,
  classifyNetwork,
  classifyNetworkError,
  classifyProbe,
  parseRetryAfter,
} from '../../src/http/classify.js';
import { coolsDown, PROBE_REASONS, REASON_EFFECTS, type ProbeReason } from '../../src/observation.js';
import { CLAUDE_CODE_ONLY_MESSAGE } from '../helpers/provider-bodies.js';

const err = (message: string) => JSON.stringify({ type: 'error', error: { type: 'x', message } });
const googleBadKey = JSON.stringify({
  error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' },
});

// [status, body, reason, failover, cooldown, refreshable]
const CASES: [number, string, ProbeReason, boolean, boolean, boolean][] = [
  [200, '{}', 'ok', false, false, false],
  [401, err('invalid x-api-key'), 'auth', true, true, true],
  [401, 'invalid x-api-key', 'auth', true, true, true],
  [403, err('permission denied'), 'auth', true, true, false],
  [403, err('This organization has been disabled due to a billing issue.'), 'billing', true, true, false],
  [401, err('insufficient_quota'), 'billing', true, true, false],
  [402, err('payment required'), 'billing', true, true, false],
  [402, '', 'billing', true, true, false],
  [429, err('slow down'), 'rate_limit', true, true, false],
  [
    429,
    '{"error":{"code":"insufficient_quota","message":"You exceeded your current quota"}}',
    'billing',
    true,
    true,
    false,
  ],
  [529, err('Overloaded'), 'overloaded', true, true, false],
  [408, err('timeout'), 'timeout', true, true, false],
  [500, err('boom'), 'timeout', true, true, false],
  [502, '<html>bad gateway</html>', 'timeout', true, true, false],
  [503, '', 'timeout', true, true, false],
  [599, '', 'timeout', true, true, false],
  [404, err('not found'), 'model_not_found', false, false, false],
  [400, err('max_tokens: required'), 'format', false, false, false],
  [422, err('unprocessable'), 'format', false, false, false],
  [413, err('request too large'), 'format', false, false, false],
  [400, err('Your credit balance is too low to access the Anthropic API.'), 'billing', true, true, false],
  [400, googleBadKey, 'auth', true, true, false],
  [400, err(CLAUDE_CODE_ONLY_MESSAGE), 'auth_permanent', true, true, false],
  [401, err(CLAUDE_CODE_ONLY_MESSAGE), 'auth_permanent', true, true, false],
  [403, CLAUDE_CODE_ONLY_MESSAGE, 'auth_permanent', true, true, false],
  [418, 'teapot', 'unknown', false, true, false],
];

for (const [status, body, reason, failover, cooldown, refreshable] of CASES) {
  test(`HTTP ${status} ${body.slice(0, 60)} → ${reason}`, (t) => {
    const c = classifyHttp(status, body);
    t.like(c, { ok: reason === 'ok', reason, failover, refreshable });
    t.is(coolsDown(c.reason), cooldown, 'cooldown');
    t.is(classifyProbe(status, body).reason, reason, 'the probe reads the answer the same way');
  });
}

test('every reason of the vocabulary has its effects in the one table', (t) => {
  t.deepEqual(Object.keys(REASON_EFFECTS).sort(), [...PROBE_REASONS].sort());
  t.true(coolsDown('refresh_failed'), 'a reason outside the vocabulary counts against the profile');
});

test('the Claude-Code-only answer carries the API-key hint for probe and gateway', (t) => {
  for (const status of [400, 401, 403]) {
    t.is(classifyHttp(status, err(CLAUDE_CODE_ONLY_MESSAGE)).hint, CLAUDE_CODE_ONLY_HINT);
    t.is(classifyProbe(status, err(CLAUDE_CODE_ONLY_MESSAGE)).hint, CLAUDE_CODE_ONLY_HINT);
  }
});

test('probe hints: the auth hint names the fix command; the rate-limit hint names retry-after', (t) => {
  t.regex(
    classifyProbe(401, '', { fix: 'aipro models auth add-key --provider openai' }).hint ?? '',
    /add-key --provider openai/,
  );
  t.regex(classifyProbe(429, '', { retryAfterMs: 17_000 }).hint ?? '', /17 s/);
  t.is(classifyHttp(429, '').hint, undefined, 'the gateway gets no per-reason hint');
});

test('probe network failures: timeout, refused, reset', (t) => {
  t.like(classifyNetworkError(new Error('x'), true), { reason: 'timeout', failover: true });
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  t.like(classifyNetworkError(refused, false), { reason: 'network', detail: 'connection refused' });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
  t.is(classifyNetworkError(reset, false).detail, 'connection reset');
});

test('gateway network failures: only a header or idle timeout is held against the credential', (t) => {
  t.like(classifyNetwork({ timeout: 'headers' }), { reason: 'timeout', failover: true, endpoint: false });
  t.like(classifyNetwork({ timeout: 'idle' }), { reason: 'timeout', failover: true, endpoint: false });
  t.like(classifyNetwork({ timeout: 'connect' }), { reason: 'timeout', failover: true, endpoint: true });
  for (const code of [
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNRESET',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
  ]) {
    t.like(classifyNetwork({ code }), { reason: 'network', failover: true, endpoint: true }, code);
  }
});

test('retry-after in seconds or as an HTTP date', (t) => {
  t.is(parseRetryAfter('17', 0), 17_000);
  t.is(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000);
  t.is(parseRetryAfter(null, 0), undefined);
  t.is(parseRetryAfter('soon', 0), undefined);
});

import test from 'ava';
import { CLAUDE_CODE_ONLY_HINT, classifyHttp, classifyNetworkError, parseRetryAfter } from '../../src/providers/classify.js';

const err = (message: string) => JSON.stringify({ type: 'error', error: { type: 'x', message } });

test('every status of the DESIGN mapping', (t) => {
  const cases: [number, string, string][] = [
    [200, '{}', 'ok'],
    [401, err('invalid x-api-key'), 'auth'],
    [403, err('permission denied'), 'auth'],
    [403, err('This organization has been disabled due to a billing issue.'), 'billing'],
    [401, err('insufficient_quota'), 'billing'],
    [402, err('payment required'), 'billing'],
    [429, err('slow down'), 'rate_limit'],
    [529, err('Overloaded'), 'overloaded'],
    [408, err('timeout'), 'timeout'],
    [500, err('boom'), 'timeout'],
    [502, '<html>bad gateway</html>', 'timeout'],
    [503, '', 'timeout'],
    [599, '', 'timeout'],
    [404, err('not found'), 'model_not_found'],
    [400, err('max_tokens: required'), 'format'],
    [422, err('unprocessable'), 'format'],
    [400, err('Your credit balance is too low to access the Anthropic API.'), 'billing'],
    [400, JSON.stringify({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }), 'auth'],
    [418, 'teapot', 'unknown'],
  ];
  for (const [status, body, reason] of cases) t.is(classifyHttp(status, body).reason, reason, `HTTP ${status} ${body}`);
});

test('the Claude-Code-only answer is auth with the API-key hint, whatever the status', (t) => {
  for (const status of [400, 401, 403]) {
    const c = classifyHttp(status, err('This credential is only authorized for use with Claude Code and cannot be used for other API requests.'));
    t.is(c.reason, 'auth');
    t.false(c.ok);
    t.is(c.hint, CLAUDE_CODE_ONLY_HINT);
  }
});

test('auth hint names the fix command; rate limit hint names retry-after', (t) => {
  t.regex(classifyHttp(401, '', { fix: 'aipro models auth add-key --provider openai' }).hint ?? '', /add-key --provider openai/);
  t.regex(classifyHttp(429, '', { retryAfterMs: 17_000 }).hint ?? '', /17 s/);
});

test('network failures: timeout, refused, reset', (t) => {
  t.is(classifyNetworkError(new Error('x'), true).reason, 'timeout');
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  t.deepEqual([classifyNetworkError(refused, false).reason, classifyNetworkError(refused, false).detail], ['network', 'connection refused']);
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
  t.is(classifyNetworkError(reset, false).detail, 'connection reset');
});

test('retry-after in seconds or as an HTTP date', (t) => {
  t.is(parseRetryAfter('17', 0), 17_000);
  t.is(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000);
  t.is(parseRetryAfter(null, 0), undefined);
  t.is(parseRetryAfter('soon', 0), undefined);
});

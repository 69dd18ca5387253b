/**
 * The rate-limit header parser, table-driven: every provider's headers as they are sent, and
 * malformed or missing values ignored (never an error, never guessed).
 */
import test from 'ava';
import {
  clockSkewMs,
  parseGoDuration,
  parseRateLimitHeaders,
  type HeaderBag,
  type RateLimitObservation,
} from '../../src/providers/rate-limit-headers.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const S = (iso: string) => String(Date.parse(iso) / 1000);

const CASES: { name: string; headers: HeaderBag; want: RateLimitObservation | undefined }[] = [
  { name: 'no headers', headers: {}, want: undefined },
  {
    name: 'unrelated headers',
    headers: { 'content-type': 'application/json', 'request-id': 'req_1' },
    want: undefined,
  },
  {
    name: 'anthropic API key: requests and tokens with RFC 3339 resets',
    headers: {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-requests-reset': '2026-12-01T12:00:30Z',
      'anthropic-ratelimit-tokens-limit': '100000',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-12-01T12:01:00Z',
      'anthropic-ratelimit-input-tokens-limit': '80000',
      'anthropic-ratelimit-input-tokens-remaining': '60000',
      'anthropic-ratelimit-input-tokens-reset': '2026-12-01T12:00:05Z',
      'anthropic-ratelimit-output-tokens-limit': '20000',
      'anthropic-ratelimit-output-tokens-remaining': '20000',
    },
    want: {
      windows: [
        { window: 'input_tokens', utilization: 25, resetsAt: Date.parse('2026-12-01T12:00:05Z') },
        { window: 'output_tokens', utilization: 0 },
        { window: 'requests', utilization: 80, resetsAt: Date.parse('2026-12-01T12:00:30Z') },
        { window: 'tokens', utilization: 100, resetsAt: Date.parse('2026-12-01T12:01:00Z') },
      ],
    },
  },
  {
    name: 'anthropic API key: malformed numbers and resets are skipped',
    headers: {
      'anthropic-ratelimit-requests-limit': 'lots',
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-tokens-limit': '0',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-limit': '100',
      'anthropic-ratelimit-input-tokens-remaining': '-5',
      'anthropic-ratelimit-output-tokens-limit': '100',
      'anthropic-ratelimit-output-tokens-remaining': '150',
      'anthropic-ratelimit-output-tokens-reset': 'soon',
    },
    want: { windows: [{ window: 'output_tokens', utilization: 0 }] },
  },
  {
    name: 'anthropic subscription: unified 5h/7d (0–1, epoch seconds), allowed_warning',
    headers: {
      'anthropic-ratelimit-unified-status': 'allowed_warning',
      'anthropic-ratelimit-unified-5h-utilization': '0.82',
      'anthropic-ratelimit-unified-5h-reset': S('2026-12-01T14:00:00Z'),
      'anthropic-ratelimit-unified-7d-utilization': '0.4',
      'anthropic-ratelimit-unified-7d-reset': S('2026-12-05T09:00:00Z'),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    },
    want: {
      status: 'allowed_warning',
      windows: [
        { window: '5h', utilization: 82, resetsAt: Date.parse('2026-12-01T14:00:00Z') },
        { window: '7d', utilization: 40, resetsAt: Date.parse('2026-12-05T09:00:00Z') },
      ],
    },
  },
  {
    name: 'anthropic subscription rejected: the representative window is spent',
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '0.97',
      'anthropic-ratelimit-unified-5h-reset': S('2026-12-01T14:00:00Z'),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    },
    want: {
      status: 'rejected',
      windows: [{ window: '5h', utilization: 100, resetsAt: Date.parse('2026-12-01T14:00:00Z') }],
    },
  },
  {
    name: 'anthropic subscription rejected without window headers: the overall reset names the end',
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': S('2026-12-01T15:00:00Z'),
      'anthropic-ratelimit-unified-representative-claim': 'seven_day',
    },
    want: {
      status: 'rejected',
      windows: [{ window: '7d', utilization: 100, resetsAt: Date.parse('2026-12-01T15:00:00Z') }],
    },
  },
  {
    name: 'anthropic subscription: unknown status and a claim that is not a label are ignored; utilization clamped',
    headers: {
      'anthropic-ratelimit-unified-status': 'maybe',
      'anthropic-ratelimit-unified-5h-utilization': '1.7',
      'anthropic-ratelimit-unified-5h-reset': '99999999999999',
      'anthropic-ratelimit-unified-7d-utilization': 'NaN',
      'anthropic-ratelimit-unified-representative-claim': 'sk-ant-api03-secret value',
    },
    want: { windows: [{ window: '5h', utilization: 100 }] },
  },
  {
    name: 'openai: limits with Go-duration resets',
    headers: {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-limit-tokens': '30000',
      'x-ratelimit-remaining-tokens': '6000',
      'x-ratelimit-reset-tokens': '6m0s',
    },
    want: {
      windows: [
        { window: 'requests', utilization: 0.2, resetsAt: NOW + 120 },
        { window: 'tokens', utilization: 80, resetsAt: NOW + 360_000 },
      ],
    },
  },
  {
    name: 'openai: a bad duration keeps the window without a reset; a missing limit drops it',
    headers: {
      'x-ratelimit-limit-tokens': '100',
      'x-ratelimit-remaining-tokens': '50',
      'x-ratelimit-reset-tokens': '6 minutes',
      'x-ratelimit-remaining-requests': '3',
    },
    want: { windows: [{ window: 'tokens', utilization: 50 }] },
  },
  {
    name: 'codex: primary/secondary named by their length',
    headers: {
      'x-codex-primary-used-percent': '82',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '3600',
      'x-codex-secondary-used-percent': '12.5',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-at': S('2026-12-05T00:00:00Z'),
    },
    want: {
      windows: [
        { window: '5h', utilization: 82, resetsAt: NOW + 3_600_000 },
        { window: '7d', utilization: 12.5, resetsAt: Date.parse('2026-12-05T00:00:00Z') },
      ],
    },
  },
  {
    name: 'codex: no window length keeps the provider name; garbage percent skipped',
    headers: {
      'x-codex-primary-used-percent': '5',
      'x-codex-secondary-used-percent': 'x',
      'x-codex-primary-reset-after-seconds': '-1',
    },
    want: { windows: [{ window: 'primary', utilization: 5 }] },
  },
  {
    name: 'array header values: the first counts',
    headers: { 'x-codex-primary-used-percent': ['40', '90'], 'x-codex-primary-window-minutes': '60' },
    want: { windows: [{ window: '1h', utilization: 40 }] },
  },
];

for (const c of CASES) {
  test(`parseRateLimitHeaders: ${c.name}`, (t) => {
    t.deepEqual(parseRateLimitHeaders(c.headers, NOW), c.want);
  });
}

test('nothing from a header value is kept as text (a claim that is not a window label never lands in a label)', (t) => {
  const out = parseRateLimitHeaders(
    {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-representative-claim': 'sk-ant-oat01-AAAA',
    },
    NOW,
  );
  t.notRegex(JSON.stringify(out), /sk-ant/);
  t.deepEqual(out, { status: 'rejected', windows: [{ window: 'unified', utilization: 100 }] });
});

// Date has whole seconds: the middle of the named second is the estimate (+500 ms).
const SKEW: [string, HeaderBag, number | undefined][] = [
  ['five minutes ahead', { date: new Date(NOW + 300_000).toUTCString() }, 300_500],
  ['two minutes behind', { date: new Date(NOW - 120_000).toUTCString() }, -119_500],
  ['in sync', { date: new Date(NOW).toUTCString() }, 500],
  ['missing', {}, undefined],
  ['garbage', { date: 'yesterday' }, undefined],
  ['a date without a time', { date: '2026-12-01' }, undefined],
];
for (const [name, h, want] of SKEW) test(`clockSkewMs: ${name}`, (t) => t.is(clockSkewMs(h, NOW), want));

test('parseGoDuration reads the OpenAI reset forms', (t) => {
  t.is(parseGoDuration('6m0s'), 360_000);
  t.is(parseGoDuration('1h2m3.5s'), 3_723_500);
  t.is(parseGoDuration('20ms'), 20);
  t.is(parseGoDuration('6 minutes'), undefined);
  t.is(parseGoDuration(''), undefined);
});

/** The pure status function: one table row per status rule (missing, invalid, expired, rejected, …). */
import test from 'ava';
import { checkExitCode, status, STATUSES, type CredentialView, type Status } from '../../src/store/status.js';
import { credentialView } from '../helpers/credential-view.js';

const NOW = 1_800_000_000_000;
const H = 3_600_000;
const WARN = 24 * H;

const view = (over: Partial<CredentialView>) => credentialView({ secretHash: 'aaaaaaaaaaaa', ...over });

const probeFail = (reason: string, secretHash?: string) => ({
  lastProbe: { at: NOW - 1000, ok: false, reason, httpStatus: 401, ...(secretHash ? { secretHash } : {}) },
});

const TABLE: [string, Partial<CredentialView>, Status, RegExp?][] = [
  ['no credential', { type: 'none', secret: { ok: false, detail: 'no credential' } }, 'missing'],
  ['unreadable secret ref', { secret: { ok: false, detail: 'env var X is not set' } }, 'invalid', /env var X/],
  [
    'wrong token shape',
    { shapeProblem: 'an Anthropic setup-token starts with sk-ant-oat01-' },
    'invalid',
    /starts with/,
  ],
  ['api key without expiry', { type: 'api_key' }, 'static', /API key/],
  ['token without expiry', {}, 'static', /without expiry/],
  ['expires 0', { expires: 0 }, 'invalid', /expiry out of range/],
  ['expires past the last valid Date', { expires: 8_640_000_000_000_001 }, 'invalid', /expiry out of range/],
  ['expires not an integer', { expires: NOW + 0.5 }, 'invalid', /expiry out of range/],
  ['expires in seconds', { expires: Math.floor(NOW / 1000) }, 'invalid', /expiry looks like seconds, not milliseconds/],
  ['expires NaN', { expires: Number.NaN }, 'invalid'],
  ['expires negative', { expires: -5 }, 'invalid'],
  ['expires Infinity', { expires: Number.POSITIVE_INFINITY }, 'invalid'],
  ['expired long ago', { expires: NOW - 3 * 86_400_000 }, 'expired', /expired 3d ago/],
  ['expires exactly now', { expires: NOW }, 'expired'],
  ['expires 1 ms from now', { expires: NOW + 1 }, 'expiring'],
  ['expires at the warn boundary', { expires: NOW + WARN }, 'expiring', /expires in 1d/],
  ['expires 1 ms past the warn window', { expires: NOW + WARN + 1 }, 'ok'],
  ['expires in a year', { expires: NOW + 365 * 86_400_000 }, 'ok', /expires in 1y/],
  ['oauth without refresh, valid', { type: 'oauth', expires: NOW + 10 * 86_400_000 }, 'ok'],
  ['oauth without refresh, expiring', { type: 'oauth', expires: NOW + H }, 'expiring'],
  ['oauth without refresh, expired', { type: 'oauth', expires: NOW - H }, 'expired'],
  ['oauth without refresh or expiry', { type: 'oauth' }, 'invalid', /no expiry and no refresh/],
  [
    'oauth with refresh, access expiring soon',
    { type: 'oauth', hasRefreshToken: true, expires: NOW + 42 * 60_000 },
    'ok',
    /access token expires in 42m, refreshes automatically/,
  ],
  [
    'oauth with refresh, access expired',
    { type: 'oauth', hasRefreshToken: true, expires: NOW - H },
    'ok',
    /refreshes on next use/,
  ],
  ['oauth with refresh, no expiry', { type: 'oauth', hasRefreshToken: true }, 'ok', /refreshes automatically/],
  [
    'oauth refresh refused permanently',
    {
      type: 'oauth',
      hasRefreshToken: true,
      expires: NOW + H,
      stats: { lastRefresh: { at: NOW - 1, ok: false, reason: 'invalid_grant', permanent: true } },
    },
    'refresh_failed',
    /invalid_grant/,
  ],
  [
    'oauth refresh failed transiently',
    {
      type: 'oauth',
      hasRefreshToken: true,
      expires: NOW + H,
      stats: { lastRefresh: { at: NOW - 1, ok: false, reason: 'network' } },
    },
    'ok',
  ],
  [
    'oauth refresh refused beats rejection',
    {
      type: 'oauth',
      hasRefreshToken: true,
      stats: { ...probeFail('auth'), lastRefresh: { at: NOW, ok: false, permanent: true } },
    },
    'refresh_failed',
  ],
  [
    'oauth with refresh, rejected by probe',
    { type: 'oauth', hasRefreshToken: true, expires: NOW + H, stats: probeFail('auth') },
    'rejected',
  ],
  ['api key rejected (401)', { type: 'api_key', stats: probeFail('auth') }, 'rejected', /HTTP 401/],
  [
    'api key rejected permanently (Claude Code only)',
    {
      type: 'api_key',
      stats: {
        lastProbe: {
          at: NOW,
          ok: false,
          reason: 'auth_permanent',
          hint: 'use an Anthropic API key instead',
          detail:
            'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
        },
      },
    },
    'rejected',
    /only authorized for use with Claude Code/,
  ],
  ['probe of an older secret does not count', { type: 'api_key', stats: probeFail('auth', 'bbbbbbbbbbbb') }, 'static'],
  ['probe of the same secret counts', { type: 'api_key', stats: probeFail('auth', 'aaaaaaaaaaaa') }, 'rejected'],
  ['rate limit is not a rejection', { type: 'api_key', stats: probeFail('rate_limit') }, 'static'],
  ['successful probe', { type: 'api_key', stats: { lastProbe: { at: NOW, ok: true, reason: 'ok' } } }, 'static'],
  ['expired wins over rejected', { expires: NOW - 1, stats: probeFail('auth') }, 'expired'],
  ['rejected wins over expiring', { expires: NOW + H, stats: probeFail('auth') }, 'rejected'],
  ['rejected wins over ok', { expires: NOW + 30 * 86_400_000, stats: probeFail('auth') }, 'rejected'],
  ['env source is kept', { type: 'api_key', source: 'env' }, 'static'],
];

for (const [name, over, want, detail] of TABLE) {
  test(`status: ${name} → ${want}`, (t) => {
    const r = status(view(over), NOW, WARN);
    t.is(r.status, want);
    t.is(r.source, over.source ?? 'profile');
    if (detail) t.regex(r.detail, detail);
    t.false(r.detail.includes('sk-ant-oat01-secret'), 'detail never holds the secret');
  });
}

test('every status of the vocabulary is reachable from the table', (t) => {
  const seen = new Set(TABLE.map(([, over]) => status(view(over), NOW, WARN).status));
  t.deepEqual([...seen].sort(), [...STATUSES].sort());
});

test('expiresAt and remainingMs are reported only for valid expiries', (t) => {
  const ok = status(view({ expires: NOW + 5 * H }), NOW, WARN);
  t.is(ok.expiresAt, NOW + 5 * H);
  t.is(ok.remainingMs, 5 * H);
  const bad = status(view({ expires: 0 }), NOW, WARN);
  t.is(bad.expiresAt, undefined);
  t.is(bad.remainingMs, undefined);
  const expired = status(view({ expires: NOW - H }), NOW, WARN);
  t.is(expired.remainingMs, -H);
});

test('the warn window is a parameter (0 disables expiring)', (t) => {
  t.is(status(view({ expires: NOW + H }), NOW, 0).status, 'ok');
  t.is(status(view({ expires: NOW + H }), NOW, 2 * H).status, 'expiring');
  t.is(status(view({ expires: NOW + 23 * H }), NOW).status, 'expiring', 'default window is 24h');
});

test('checkExitCode: worst status wins (1 beats 2 beats 0)', (t) => {
  t.is(checkExitCode([]), 0);
  t.is(checkExitCode(['ok', 'static']), 0);
  t.is(checkExitCode(['ok', 'expiring']), 2);
  for (const s of ['expired', 'missing', 'invalid', 'refresh_failed', 'rejected'] as const) {
    t.is(checkExitCode(['expiring', s, 'ok']), 1, s);
    t.is(checkExitCode([s]), 1, s);
  }
});

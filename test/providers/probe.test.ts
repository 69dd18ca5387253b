import test from 'ava';
import { CLAUDE_CODE_ONLY_HINT } from '../../src/http/classify.js';
import { getProvider } from '../../src/providers/index.js';
import { probeCredentials, probeKey } from '../../src/providers/probe.js';
import type { CredentialView } from '../../src/store/status.js';
import { configFrom } from '../helpers/config.js';
import { type FakeKind, type Scenario, startFakeProvider } from '../helpers/fake-providers.js';
import { freePort } from '../helpers/net.js';
import { profileView } from '../helpers/credential-view.js';

const config = (providers: Record<string, unknown>) => configFrom({ models: { providers } });

const ANTHROPIC_SCENARIOS: [Scenario, string, number | undefined][] = [
  ['ok', 'ok', 200],
  ['unauthorized', 'auth', 401],
  ['forbidden', 'auth', 403],
  ['forbidden_billing', 'billing', 403],
  ['payment', 'billing', 402],
  ['credit_low', 'billing', 400],
  ['rate_limit', 'rate_limit', 429],
  ['overloaded', 'overloaded', 529],
  ['server_error', 'timeout', 500],
  ['bad_gateway', 'timeout', 502],
  ['request_timeout', 'timeout', 408],
  ['not_found', 'model_not_found', 404],
  ['bad_request', 'format', 400],
  ['unprocessable', 'format', 422],
  ['claude_code_only', 'auth_permanent', 400],
  ['teapot', 'unknown', 418],
  ['invalid_json', 'format', 200],
  ['slow', 'timeout', undefined],
  ['reset', 'network', undefined],
];

test('anthropic: every scenario is classified; request id, retry-after, hint; secrets never echoed', async (t) => {
  const scenarios: Record<string, Scenario> = {};
  const views: CredentialView[] = [];
  ANTHROPIC_SCENARIOS.forEach(([s], i) => {
    const secret = `sk-ant-api03-${s}-${'x'.repeat(40)}${i}`;
    scenarios[secret] = s;
    views.push(profileView(`anthropic:${s}`, 'anthropic', 'api_key', secret));
  });
  // `slow` never answers in time: probed alone with a short deadline, so every answering
  // scenario gets a deadline no loaded machine reaches.
  const fake = await startFakeProvider('anthropic', { scenarios, slowMs: 120_000 });
  t.teardown(() => fake.close());
  const cfg = config({ anthropic: { baseUrl: fake.url } });
  const isSlow = (v: CredentialView) => v.id === 'anthropic:slow';
  const results = new Map([
    ...(await probeCredentials(
      views.filter((v) => !isSlow(v)),
      { config: cfg, timeoutMs: 60_000, concurrency: 8 },
    )),
    ...(await probeCredentials(views.filter(isSlow), { config: cfg, timeoutMs: 500, concurrency: 1 })),
  ]);
  for (const [s, reason, status] of ANTHROPIC_SCENARIOS) {
    const r = results.get(probeKey('main', `anthropic:${s}`));
    t.truthy(r, s);
    t.is<string | undefined, string>(r?.reason, reason, s);
    t.is(r?.httpStatus, status, s);
    t.is(r?.ok, s === 'ok', s);
    t.true((r?.latencyMs ?? -1) >= 0);
    if (status !== undefined) t.regex(r?.requestId ?? '', /^req_anthropic_\d+$/, s);
  }
  t.is(results.get(probeKey('main', 'anthropic:rate_limit'))?.retryAfterMs, 17_000);
  t.is(results.get(probeKey('main', 'anthropic:claude_code_only'))?.hint, CLAUDE_CODE_ONLY_HINT);
  t.regex(results.get(probeKey('main', 'anthropic:unauthorized'))?.hint ?? '', /add-key --provider anthropic/);
  const dump = JSON.stringify([...results]);
  for (const secret of Object.keys(scenarios)) t.false(dump.includes(secret), 'a secret leaked into a probe result');
  // API keys authenticate with x-api-key on the free models endpoint.
  const first = fake.requests.find((r) => r.path === '/v1/models');
  t.truthy(first?.headers['x-api-key']);
  t.is(first?.headers['anthropic-version'], '2023-06-01');
});

test(
  'anthropic setup-tokens: Bearer + beta header on a 1-token message; Claude-Code-only → auth with the API-key ' +
    'hint',
  async (t) => {
    const tok = `sk-ant-oat01-${'t'.repeat(80)}`;
    const good = `sk-ant-oat01-${'g'.repeat(80)}`;
    const fake = await startFakeProvider('anthropic', { scenarios: { [tok]: 'claude_code_only', [good]: 'ok' } });
    t.teardown(() => fake.close());
    const results = await probeCredentials(
      [
        profileView('anthropic:manual', 'anthropic', 'token', tok),
        profileView('anthropic:good', 'anthropic', 'token', good),
      ],
      { config: config({ anthropic: { baseUrl: fake.url } }), timeoutMs: 60_000, concurrency: 2 },
    );
    const r = results.get(probeKey('main', 'anthropic:manual'));
    t.is(r?.reason, 'auth_permanent', 'never usable for direct API calls: one reason for probe and gateway');
    t.is(r?.hint, CLAUDE_CODE_ONLY_HINT);
    t.true(results.get(probeKey('main', 'anthropic:good'))?.ok);
    t.is(fake.requests.length, 2);
    for (const req of fake.requests) {
      t.is(req.path, '/v1/messages');
      t.regex(String(req.headers.authorization), /^Bearer /);
      t.is(req.headers['anthropic-beta'], 'oauth-2025-04-20');
      t.is((req.body as { max_tokens: number }).max_tokens, 1);
      // Never Claude Code's identity: no system prompt, no x-app / user-agent claiming to be it.
      t.is((req.body as { system?: unknown }).system, undefined);
      t.is(req.headers['x-app'], undefined);
      t.notRegex(String(req.headers['user-agent'] ?? ''), /claude-cli|claude-code/i);
    }
  },
);

test(
  'anthropic OAuth: GET /api/oauth/usage proves the credential and reads the utilization; 401 auth; 403 scope is ' +
    'not dead',
  async (t) => {
    const fake = await startFakeProvider('anthropic', {
      scenarios: { 'oauth-ok': 'ok', 'oauth-scope': 'scope_forbidden', 'oauth-billing': 'forbidden_billing' },
    });
    t.teardown(() => fake.close());
    const results = await probeCredentials(
      ['ok', 'scope', 'billing', 'dead'].map((n) => profileView(`anthropic:${n}`, 'anthropic', 'oauth', `oauth-${n}`)),
      { config: config({ anthropic: { baseUrl: fake.url } }), timeoutMs: 60_000, concurrency: 4 },
    );
    const ok = results.get(probeKey('main', 'anthropic:ok'));
    t.like(ok, { ok: true, reason: 'ok', httpStatus: 200 });
    t.deepEqual(ok?.quota, [
      { window: '5h', utilization: 42.5, resetsAt: Date.parse('2026-12-01T18:00:00Z') },
      { window: '7d', utilization: 12, resetsAt: Date.parse('2026-12-05T09:00:00Z') },
      { window: '7d_sonnet', utilization: 3 },
    ]);
    t.like(results.get(probeKey('main', 'anthropic:dead')), { ok: false, reason: 'auth', httpStatus: 401 });
    const scope = results.get(probeKey('main', 'anthropic:scope'));
    t.like(scope, { ok: true, reason: 'ok', httpStatus: 403 });
    t.regex(scope?.detail ?? '', /user:profile/);
    t.like(results.get(probeKey('main', 'anthropic:billing')), { ok: false, reason: 'billing' });
    t.is(fake.requests.length, 4);
    for (const req of fake.requests) {
      t.is(req.method, 'GET');
      t.is(req.path, '/api/oauth/usage');
      t.regex(String(req.headers.authorization), /^Bearer oauth-/);
      t.is(req.headers['anthropic-beta'], 'oauth-2025-04-20');
      t.is(req.headers['x-app'], undefined);
    }
  },
);

test(
  'openai-codex: /wham/usage carries ChatGPT-Account-Id and records the primary/secondary windows by their ' + 'length',
  async (t) => {
    const fake = await startFakeProvider('openai-codex', { scenarios: { 'codex-at': 'ok' } });
    t.teardown(() => fake.close());
    const v = { ...profileView('openai-codex:me', 'openai-codex', 'oauth', 'codex-at'), accountId: 'acct-123' };
    const results = await probeCredentials(
      [v, { ...profileView('openai-codex:noacct', 'openai-codex', 'oauth', 'codex-at') }],
      {
        config: config({ 'openai-codex': { baseUrl: fake.url } }),
        timeoutMs: 60_000,
        concurrency: 1,
      },
    );
    t.deepEqual(results.get(probeKey('main', 'openai-codex:me'))?.quota, [
      { window: '5h', utilization: 7, resetsAt: 1_796_000_000_000 },
      { window: '7d', utilization: 55, resetsAt: 1_796_500_000_000 },
    ]);
    t.is(fake.requests[0]?.headers['chatgpt-account-id'], 'acct-123');
    t.is(fake.requests[1]?.headers['chatgpt-account-id'], undefined);
  },
);

const OTHER: [FakeKind, string, string, string][] = [
  ['openai', 'openai', 'sk-proj-good-aaaaaaaaaaaaaaaa', '/v1/models'],
  ['openrouter', 'openrouter', 'sk-or-v1-good-aaaaaaaaaaaaaaa', '/api/v1/key'],
  ['google', 'google', 'AIza-good-aaaaaaaaaaaaaaaaaaa', '/v1beta/models'],
  ['openai-codex', 'openai-codex', 'codex-access-aaaaaaaaaaaaaaaa', '/backend-api/wham/usage'],
  ['openai', 'openai-compatible', 'local-key-aaaaaaaaaaaaaaaa', '/v1/models'],
];

for (const [kind, provider, good, path] of OTHER) {
  test(`${provider}: ok, refused, rate limited against its fake API`, async (t) => {
    const bad = `${good}-bad`;
    const limited = `${good}-limited`;
    const fake = await startFakeProvider(kind, {
      scenarios: {
        [good]: 'ok',
        [bad]: kind === 'google' ? 'google_bad_key' : 'unauthorized',
        [limited]: 'rate_limit',
      },
    });
    t.teardown(() => fake.close());
    const type = getProvider(provider)?.types.includes('api_key') ? 'api_key' : 'oauth';
    const results = await probeCredentials(
      [
        profileView(`${provider}:good`, provider, type, good),
        profileView(`${provider}:bad`, provider, type, bad),
        profileView(`${provider}:limited`, provider, type, limited),
      ],
      { config: config({ [provider]: { baseUrl: fake.url } }), timeoutMs: 60_000, concurrency: 3 },
    );
    t.is(results.get(probeKey('main', `${provider}:good`))?.reason, 'ok');
    t.is(results.get(probeKey('main', `${provider}:bad`))?.reason, 'auth');
    t.is(results.get(probeKey('main', `${provider}:limited`))?.reason, 'rate_limit');
    t.true(
      fake.requests.every((r) => r.path === path),
      JSON.stringify(fake.requests.map((r) => r.path)),
    );
    t.false(JSON.stringify([...results]).includes(bad));
  });
}

test('connection refused is network; unprobeable views are skipped; progress reaches the total', async (t) => {
  const port = await freePort();
  const progress: [number, number][] = [];
  const views = [
    profileView('openai:a', 'openai', 'api_key', 'sk-aaaaaaaaaaaaaaaaaaaa'),
    {
      ...profileView('openai:b', 'openai', 'api_key', 'x'),
      secret: { ok: false as const, detail: 'env var X is not set' },
    },
    { ...profileView('openai:none', 'openai', 'none', ''), type: 'none' as const },
  ];
  const results = await probeCredentials(views, {
    config: config({ openai: { baseUrl: `http://127.0.0.1:${port}/v1` } }),
    timeoutMs: 60_000,
    concurrency: 4,
    onProgress: (d, n) => progress.push([d, n]),
  });
  t.is(results.size, 1);
  const r = results.get(probeKey('main', 'openai:a'));
  t.is(r?.reason, 'network');
  t.is(r?.detail, 'connection refused');
  t.deepEqual(progress.at(-1), [1, 1]);
});

test('the usage windows are stored with the probe record (lastProbe.quota) and read back', async (t) => {
  const { tempHome } = await import('../helpers/tmp.js');
  const { persistProbes } = await import('../../src/providers/probe.js');
  const { readStore } = await import('../../src/store/read.js');
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const storePath = h.writeStore({
    version: 1,
    profiles: { 'anthropic:sub': { type: 'oauth', provider: 'anthropic', access: 'a' } },
  });
  const quota = [
    { window: 'five_hour', utilization: 42.5, resetsAt: 1_796_000_000_000 },
    { window: 'seven_day', utilization: 12 },
  ];
  await persistProbes(
    storePath,
    [
      {
        profileId: 'anthropic:sub',
        result: { ok: true, reason: 'ok', latencyMs: 5, httpStatus: 200, quota },
        secretHash: 'abcd',
      },
    ],
    1000,
  );
  const r = readStore(storePath);
  if (!r.ok) return t.fail(r.detail);
  t.deepEqual(r.store.usageStats?.['anthropic:sub']?.lastProbe?.quota, quota);
});

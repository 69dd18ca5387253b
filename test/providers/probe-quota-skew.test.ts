/**
 * A live probe reads the provider's rate-limit headers and its `Date` header: a fake provider
 * sends both (its clock 5 minutes ahead), the probe result and the stored record carry them.
 */
import test from 'ava';
import { persistProbes, probeCredentials, probeKey } from '../../src/providers/probe.js';
import { readStore } from '../../src/store/read.js';
import { configFrom } from '../helpers/config.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { tempHome } from '../helpers/tmp.js';
import { profileView } from '../helpers/credential-view.js';

const config = (providers: Record<string, unknown>) => configFrom({ models: { providers } });

const KEY = `sk-ant-api03-${'q'.repeat(60)}`;
const RESET = '2026-12-01T14:00:00Z';

test(
  'anthropic probe: rate-limit headers become quota windows; a Date 5 min ahead is a +300 s skew; both are ' + 'stored',
  async (t) => {
    const fake = await startFakeProvider('anthropic', {
      scenarios: { [KEY]: 'ok' },
      dateOffsetMs: 300_000,
      headers: {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '9',
        'anthropic-ratelimit-requests-reset': RESET,
      },
    });
    t.teardown(() => fake.close());
    const results = await probeCredentials([profileView('anthropic:work', 'anthropic', 'api_key', KEY)], {
      config: config({ anthropic: { baseUrl: fake.url } }),
      timeoutMs: 10_000,
      concurrency: 1,
    });
    const r = results.get(probeKey('main', 'anthropic:work'));
    t.like(r, { ok: true, reason: 'ok' });
    t.deepEqual(r?.quota, [{ window: 'requests', utilization: 82, resetsAt: Date.parse(RESET) }]);
    // Date has whole seconds and the answer takes time on a loaded machine: within a few seconds.
    t.true(Math.abs((r?.clockSkewMs ?? 0) - 300_000) <= 5000, String(r?.clockSkewMs));

    const h = tempHome();
    t.teardown(() => h.cleanup());
    const storePath = h.writeStore({
      version: 1,
      profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } },
    });
    await persistProbes(
      storePath,
      [{ profileId: 'anthropic:work', result: r as NonNullable<typeof r>, secretHash: 'abcd' }],
      1000,
    );
    const read = readStore(storePath);
    if (!read.ok) return t.fail(read.detail);
    const rec = read.store.usageStats?.['anthropic:work']?.lastProbe;
    t.deepEqual(rec?.quota, r?.quota);
    t.is(rec?.clockSkewMs, r?.clockSkewMs);
    t.notRegex(JSON.stringify(read.store.usageStats), /sk-ant/);
  },
);

test('a 429 probe answer still records its quota: the unified status rejected and its reset', async (t) => {
  const reset = Math.floor(Date.parse('2026-12-01T16:00:00Z') / 1000);
  const fake = await startFakeProvider('anthropic', {
    scenarios: { 'oauth-limited': 'rate_limit' },
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '1.0',
      'anthropic-ratelimit-unified-5h-reset': String(reset),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    },
  });
  t.teardown(() => fake.close());
  const results = await probeCredentials([profileView('anthropic:sub', 'anthropic', 'oauth', 'oauth-limited')], {
    config: config({ anthropic: { baseUrl: fake.url } }),
    timeoutMs: 10_000,
    concurrency: 1,
  });
  const r = results.get(probeKey('main', 'anthropic:sub'));
  t.like(r, { ok: false, reason: 'rate_limit', quotaStatus: 'rejected' });
  t.deepEqual(r?.quota, [{ window: '5h', utilization: 100, resetsAt: reset * 1000 }]);
});

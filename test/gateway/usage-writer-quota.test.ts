/** The usage writer batches quota observations with successes and shows them before they land. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { UsageWriter } from '../../src/gateway/usage-writer.js';
import type { Store } from '../../src/store/schema.js';
import { tempHome } from '../helpers/tmp.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const store = (): Store => ({
  version: 1,
  profiles: {
    'anthropic:a': { type: 'api_key', provider: 'anthropic', key: 'k-a' },
    'anthropic:b': { type: 'api_key', provider: 'anthropic', key: 'k-b' },
  },
});

test('a second flush while the first is still writing never hides the first batch from overlay()', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(store());
  const w = new UsageWriter({ flushMs: 60_000 });
  const rec = { at: NOW, windows: [{ window: '5h', utilization: 100, resetsAt: NOW + 3_600_000 }] };
  w.quota(path, 'anthropic:a', rec);
  const first = w.flush();
  w.success(path, 'anthropic:b', NOW);
  const second = w.flush();
  // Neither write has landed (they are async): both batches must still show.
  const seen = w.overlay(path, store());
  t.deepEqual(seen.usageStats?.['anthropic:a']?.quota, rec);
  t.is(seen.usageStats?.['anthropic:b']?.lastUsed, NOW);
  await Promise.all([first, second]);
  const disk = JSON.parse(readFileSync(path, 'utf8')) as Store;
  t.deepEqual(disk.usageStats?.['anthropic:a']?.quota, rec);
  t.is(disk.usageStats?.['anthropic:b']?.lastUsed, NOW);
});

test(
  'a failure writes its quota at once and drops an older pending one; an older observation never replaces a ' + 'newer',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore(store());
    const w = new UsageWriter({ flushMs: 60_000 });
    w.quota(path, 'anthropic:a', { at: NOW - 1000, windows: [{ window: 'tokens', utilization: 50 }] });
    const rejected = {
      at: NOW,
      status: 'rejected',
      windows: [{ window: '5h', utilization: 100, resetsAt: NOW + 3_600_000 }],
    };
    await w.failure(path, 'anthropic:a', 'rate_limit', NOW, rejected);
    const disk = JSON.parse(readFileSync(path, 'utf8')) as Store;
    t.deepEqual(disk.usageStats?.['anthropic:a']?.quota, rejected);
    t.is(disk.usageStats?.['anthropic:a']?.failureCounts?.rate_limit, 1);
    await w.flush();
    t.deepEqual(
      (JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a']?.quota,
      rejected,
      'the older pending observation was dropped',
    );
    w.quota(path, 'anthropic:a', { at: NOW - 5000, windows: [] });
    await w.flush();
    t.deepEqual(
      (JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a']?.quota,
      rejected,
      'a late older write does not win',
    );
  },
);

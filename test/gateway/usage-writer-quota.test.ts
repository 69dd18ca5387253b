/** The usage writer batches quota observations with successes and shows them before they land. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { UsageWriter } from '../../src/gateway/usage-writer.js';
import { fileBackend } from '../../src/store/backends/file.js';
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
  const agent = { id: 'main', storePath: path };
  const w = new UsageWriter(fileBackend(h.env), { flushMs: 60_000 });
  const rec = { at: NOW, windows: [{ window: '5h', utilization: 100, resetsAt: NOW + 3_600_000 }] };
  w.quota(agent, 'anthropic:a', rec);
  const first = w.flush();
  w.success(agent, 'anthropic:b', NOW);
  const second = w.flush();
  // Neither write has landed (they are async): both batches must still show.
  const seen = w.overlay(agent, store());
  t.deepEqual(seen.usageStats?.['anthropic:a']?.quota, rec);
  t.is(seen.usageStats?.['anthropic:b']?.lastUsed, NOW);
  await Promise.all([first, second]);
  const disk = JSON.parse(readFileSync(path, 'utf8')) as Store;
  t.deepEqual(disk.usageStats?.['anthropic:a']?.quota, rec);
  t.is(disk.usageStats?.['anthropic:b']?.lastUsed, NOW);
});

const FAILURE_QUOTA =
  'a failure writes its quota with it and drops an older pending one; an older observation never replaces a newer';
test(FAILURE_QUOTA, async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(store());
  const agent = { id: 'main', storePath: path };
  const w = new UsageWriter(fileBackend(h.env), { flushMs: 60_000 });
  w.quota(agent, 'anthropic:a', { at: NOW - 1000, windows: [{ window: 'tokens', utilization: 50 }] });
  const rejected = {
    at: NOW,
    status: 'rejected',
    windows: [{ window: '5h', utilization: 100, resetsAt: NOW + 3_600_000 }],
  };
  const predicted = w.failure(agent, 'anthropic:a', 'rate_limit', NOW, rejected);
  t.is(predicted.failureCounts?.rate_limit, 1, 'the stats it will write, before the write lands');
  await w.flush();
  const disk = JSON.parse(readFileSync(path, 'utf8')) as Store;
  t.deepEqual(disk.usageStats?.['anthropic:a']?.quota, rejected);
  t.is(disk.usageStats?.['anthropic:a']?.failureCounts?.rate_limit, 1);
  await w.flush();
  t.deepEqual(
    (JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a']?.quota,
    rejected,
    'the older pending observation was dropped',
  );
  w.quota(agent, 'anthropic:a', { at: NOW - 5000, windows: [] });
  await w.flush();
  t.deepEqual(
    (JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a']?.quota,
    rejected,
    'a late older write does not win',
  );
});

test('a failure is written on its own at the next turn, without the caller waiting, and shows at once', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(store());
  const agent = { id: 'main', storePath: path };
  const w = new UsageWriter(fileBackend(h.env), { flushMs: 60_000 });
  w.overlay(agent, store());
  const stats = w.failure(agent, 'anthropic:a', 'rate_limit', NOW);
  t.false(stats instanceof Promise, 'the request path gets the new stats without waiting for a write');
  t.is(stats.cooldownUntil, NOW + 30_000);
  t.is(w.overlay(agent, store()).usageStats?.['anthropic:a']?.cooldownUntil, NOW + 30_000, 'skipped before it lands');
  const disk = () => (JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a'];
  const deadline = Date.now() + 10_000;
  while (disk()?.cooldownUntil !== NOW + 30_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.is(disk()?.cooldownUntil, NOW + 30_000, 'written without a flush() call, long before flushMs');
  await w.flush();
  t.is(w.overlay(agent, JSON.parse(readFileSync(path, 'utf8')) as Store).usageStats?.['anthropic:a']?.errorCount, 1);
});

test('a write that fails is logged and dropped, not replayed over later outcomes', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(store());
  const agent = { id: 'main', storePath: path };
  const errors: string[] = [];
  const backend = fileBackend(h.env);
  let broken = true;
  const flaky = {
    ...backend,
    update: <R>(a: typeof agent, change: Parameters<typeof backend.update<R>>[1]) =>
      broken ? Promise.reject(new Error('PostgreSQL: connection refused')) : backend.update(a, change),
  };
  const w = new UsageWriter(flaky, { flushMs: 60_000, onError: (err, where) => errors.push(`${where}: ${err}`) });
  w.failure(agent, 'anthropic:a', 'rate_limit', NOW);
  await w.flush();
  t.deepEqual(errors, [`${path}: Error: PostgreSQL: connection refused`]);
  broken = false;
  w.success(agent, 'anthropic:b', NOW + 1);
  await w.flush();
  const disk = JSON.parse(readFileSync(path, 'utf8')) as Store;
  t.is(disk.usageStats?.['anthropic:a'], undefined, 'the dropped failure is not replayed');
  t.is(disk.usageStats?.['anthropic:b']?.lastUsed, NOW + 1);
  t.is(w.overlay(agent, disk).usageStats?.['anthropic:a'], undefined, 'nor shown any more');
});

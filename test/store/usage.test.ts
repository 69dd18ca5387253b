import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  billingDisableMs,
  cooldownMs,
  markProfileOutcome,
  recordFailure,
  recordSuccess,
} from '../../src/store/usage.js';
import { tempHome } from '../helpers/tmp.js';

const NOW = 1_800_000_000_000;

test('cooldown schedule: 30 s, 1 m, 5 m, then 5 m', (t) => {
  t.deepEqual([1, 2, 3, 4, 10].map(cooldownMs), [30_000, 60_000, 300_000, 300_000, 300_000]);
  let s = recordFailure(undefined, 'rate_limit', NOW);
  t.is(s.errorCount, 1);
  t.is(s.cooldownUntil, NOW + 30_000);
  s = recordFailure(s, 'timeout', NOW + 1);
  t.is(s.cooldownUntil, NOW + 1 + 60_000);
  s = recordFailure(s, 'auth', NOW + 2);
  t.is(s.cooldownUntil, NOW + 2 + 300_000);
  t.deepEqual(s.failureCounts, { rate_limit: 1, timeout: 1, auth: 1 });
});

test('billing disables 5 h × 2^(n−1), capped at 24 h', (t) => {
  t.deepEqual(
    [1, 2, 3, 4, 5].map((n) => billingDisableMs(n) / 3_600_000),
    [5, 10, 20, 24, 24],
  );
  let s = recordFailure(undefined, 'billing', NOW);
  t.is(s.disabledUntil, NOW + 5 * 3_600_000);
  t.is(s.disabledReason, 'billing');
  s = recordFailure(s, 'billing', NOW);
  t.is(s.disabledUntil, NOW + 10 * 3_600_000);
  t.is(s.failureCounts?.billing, 2);
});

test('request problems are counted but do not cool the credential down', (t) => {
  const s = recordFailure({ lastUsed: 5 }, 'model_not_found', NOW);
  t.is(s.cooldownUntil, undefined);
  t.is(s.errorCount, undefined);
  t.is(s.failureCounts?.model_not_found, 1);
  t.is(s.lastUsed, 5);
});

test('success resets errors and cooldowns, keeps counts and unknown fields', (t) => {
  const failed = { ...recordFailure(recordFailure(undefined, 'billing', NOW), 'auth', NOW), custom: 'x' };
  const s = recordSuccess(failed, NOW + 5);
  t.is(s.errorCount, 0);
  t.is(s.cooldownUntil, 0);
  t.is(s.disabledUntil, 0);
  t.is(s.disabledReason, undefined);
  t.is(s.lastUsed, NOW + 5);
  t.is(s.custom, 'x');
  t.deepEqual(s.failureCounts, { billing: 1, auth: 1 });
});

test('markProfileOutcome writes through the store lock and sets lastGood on success', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore({
    version: 1,
    profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key: 'sk-ant-api03-abc' } },
    extra: 1,
  });
  await markProfileOutcome(path, 'anthropic:a', { ok: false, reason: 'rate_limit' }, NOW);
  let disk = JSON.parse(readFileSync(path, 'utf8'));
  t.is(disk.usageStats['anthropic:a'].cooldownUntil, NOW + 30_000);
  t.is(disk.extra, 1);
  await markProfileOutcome(path, 'anthropic:a', { ok: true }, NOW + 1000);
  disk = JSON.parse(readFileSync(path, 'utf8'));
  t.is(disk.usageStats['anthropic:a'].cooldownUntil, 0);
  t.is(disk.lastGood.anthropic, 'anthropic:a');
});

/**
 * The usage writer keeps its overlaid store outcome by outcome instead of copying every
 * profile's stats per request. Property: after any sequence of successes, quota
 * observations, failures and flushes, the incrementally kept overlay equals the overlay
 * rebuilt from scratch from the pending and in-flight batches.
 */
import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { UsageWriter } from '../../src/gateway/usage-writer.js';
import { fileBackend } from '../../src/store/backends/file.js';
import type { ProbeReason } from '../../src/providers/types.js';
import type { Store } from '../../src/store/schema.js';
import { tempHome } from '../helpers/tmp.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const IDS = ['anthropic:a', 'anthropic:b', 'openai:c'] as const;
const base = (): Store => ({
  version: 1,
  profiles: {
    'anthropic:a': { type: 'api_key', provider: 'anthropic', key: 'k-a' },
    'anthropic:b': { type: 'api_key', provider: 'anthropic', key: 'k-b' },
    'openai:c': { type: 'api_key', provider: 'openai', key: 'k-c' },
  },
  usageStats: { 'anthropic:b': { lastUsed: NOW - 5000, errorCount: 2, cooldownUntil: NOW + 9000 } },
  lastGood: { anthropic: 'anthropic:b' },
});

type Op =
  | { kind: 'success' | 'quota'; id: number; dt: number }
  | { kind: 'failure'; id: number; dt: number; reason: ProbeReason }
  | { kind: 'flush' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('success' as const), id: fc.nat(2), dt: fc.nat(3) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('quota' as const), id: fc.nat(2), dt: fc.integer({ min: -2, max: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('failure' as const),
      id: fc.nat(2),
      dt: fc.nat(3),
      reason: fc.constantFrom<ProbeReason>('rate_limit', 'billing', 'auth', 'overloaded'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
);

test('the incrementally kept overlay equals the overlay rebuilt from the batches', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 24 }), async (ops) => {
      const h = tempHome();
      try {
        const path = h.writeStore(base());
        const agent = { id: 'main', storePath: path };
        const w = new UsageWriter(fileBackend(h.env), { flushMs: 600_000 });
        const read = base();
        const flushes: Promise<void>[] = [];
        let now = NOW;
        w.overlay(agent, read);
        for (const o of ops) {
          if (o.kind === 'flush') flushes.push(w.flush());
          else {
            now += o.dt;
            const id = IDS[o.id] as string;
            if (o.kind === 'success') w.success(agent, id, now);
            else if (o.kind === 'quota')
              w.quota(agent, id, { at: now, windows: [{ window: 'tokens', utilization: 10 }] });
            else if (o.kind === 'failure') w.failure(agent, id, o.reason, now);
          }
          const kept = w.overlay(agent, read);
          // A copy of the same store is another base: a one-off overlay built from the batches,
          // which leaves the kept view (and its in-place updates) as it is.
          const rebuilt = w.overlay(agent, structuredClone(read), false);
          // Equal as data (key order may differ: a quota before or after a success touches other fields).
          if (!isDeepStrictEqual(kept.usageStats, rebuilt.usageStats)) return false;
          if (!isDeepStrictEqual(kept.lastGood, rebuilt.lastGood)) return false;
        }
        await Promise.all(flushes);
        return true;
      } finally {
        h.cleanup();
      }
    }),
    { seed: 20261201, numRuns: 60 },
  );
  t.pass();
});

test('an outcome shows in the overlay a request got before it, without a new read', (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const agent = { id: 'main', storePath: h.writeStore(base()) };
  const w = new UsageWriter(fileBackend(h.env), { flushMs: 600_000 });
  const read = base();
  const before = w.overlay(agent, read);
  w.success(agent, 'anthropic:b', NOW);
  const after = w.overlay(agent, read);
  t.is(after.usageStats?.['anthropic:b']?.cooldownUntil, 0, 'a success clears the cooldown');
  t.is(after.lastGood?.anthropic, 'anthropic:b');
  t.is(before, after, 'the same object, kept in place (no copy of every profile per request)');
  t.is(read.usageStats?.['anthropic:b']?.cooldownUntil, NOW + 9000, 'the store as read is never changed');
  w.success(agent, 'anthropic:b', NOW + 7);
  t.is(after.usageStats?.['anthropic:b']?.lastUsed, NOW + 7, 'a later success moves lastUsed in place');
  t.is(w.overlay(agent, structuredClone(read), false).usageStats?.['anthropic:b']?.lastUsed, NOW + 7);
  t.is(w.overlay(agent, read), after, 'a one-off look at another base keeps the view');
});

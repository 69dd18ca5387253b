/** Store ⇄ rows (the postgres layout) loses nothing and keeps every key order, for any store. */
import test from 'ava';
import fc from 'fast-check';
import { rowsToDocument, SECRET_FIELDS, storeToRows } from '../../../src/store/backends/postgres/rows.js';
import { mergeForCopy as copyStore } from '../../../src/store/copy.js';
import type { Store } from '../../../src/store/schema.js';

const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const profile = fc
  .record(
    {
      type: fc.constantFrom('api_key', 'token', 'oauth', 'weird'),
      provider: fc.constantFrom('anthropic', 'openai'),
      key: fc.string(),
      access: fc.string(),
      expires: fc.integer(),
    },
    { requiredKeys: ['type', 'provider'] },
  )
  .chain((p) => fc.dictionary(key, json, { maxKeys: 3 }).map((extra) => ({ ...extra, ...p })));
const store: fc.Arbitrary<Store> = fc
  .record(
    {
      version: fc.constant(1),
      profiles: fc.dictionary(key, profile, { maxKeys: 4 }),
      order: fc.dictionary(key, fc.array(fc.string(), { maxLength: 3 }), { maxKeys: 2 }),
      lastGood: fc.dictionary(key, fc.string(), { maxKeys: 2 }),
      usageStats: fc.dictionary(key, fc.record({ cooldownUntil: fc.integer(), errorCount: fc.nat() }), { maxKeys: 2 }),
      extraTop: json,
    },
    { requiredKeys: ['version', 'profiles'] },
  )
  .map((s) => s as unknown as Store);

test('rowsToDocument(storeToRows(s)) serialises to the same bytes as s', (t) => {
  fc.assert(
    fc.property(store, (s) => JSON.stringify(rowsToDocument(storeToRows(s))) === JSON.stringify(s)),
    { seed: 19, numRuns: 300 },
  );
  t.pass();
});

test('no secret string is left in the non-secret fields of a row', (t) => {
  fc.assert(
    fc.property(store, (s) =>
      storeToRows(s).profiles.every((r) => {
        const fields = JSON.parse(r.fields) as Record<string, unknown>;
        return Object.entries(fields).every(([k, v]) => !SECRET_FIELDS.has(k) || typeof v !== 'string');
      }),
    ),
    { seed: 19, numRuns: 300 },
  );
  t.pass();
});

test('copying a store twice changes nothing the second time', (t) => {
  fc.assert(
    fc.property(store, store, (src, dst) => {
      const once = copyStore(src, dst, true);
      return copyStore(src, once.store ?? dst, true).store === null;
    }),
    { seed: 19, numRuns: 300 },
  );
  t.pass();
});

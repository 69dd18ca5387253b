/** The store parser: bad inputs are data (never exceptions); valid stores round-trip with unknown fields. */
import { readFileSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { MAX_STORE_BYTES, parseStoreBytes, parseStoreText } from '../../src/store/read.js';
import { CREDENTIAL_TYPES } from '../../src/store/schema.js';
import { serializeStore } from '../../src/store/write.js';

const FIX = new URL('../fixtures/auth-store/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIX));

const BAD: [string, string, RegExp][] = [
  ['malformed.json', 'parse', /not valid JSON/],
  ['empty.json', 'parse', /not valid JSON/],
  ['wrong-version.json', 'version', /unsupported store version 2/],
  ['array.json', 'schema', /top level/],
  ['binary.bin', 'encoding', /not UTF-8/],
  ['latin1.json', 'encoding', /not UTF-8/],
];

for (const [name, reason, detail] of BAD) {
  test(`bad store ${name} → ${reason}`, (t) => {
    const r = parseStoreBytes(fixture(name), name);
    if (r.ok) return t.fail('parsed');
    t.is<string, string>(r.reason, reason);
    t.regex(r.detail, detail);
    t.is(r.path, name);
  });
}

test('a store larger than 8 MiB is refused before decoding', (t) => {
  const big = Buffer.alloc(MAX_STORE_BYTES + 1, 0x20);
  const r = parseStoreBytes(big);
  t.false(r.ok);
  if (!r.ok) t.is(r.reason, 'too_large');
});

test('the OpenClaw fixture parses and keeps unknown fields at every level', (t) => {
  const r = parseStoreBytes(fixture('openclaw-main.json'));
  if (!r.ok) return t.fail(r.detail);
  const s = r.store as Record<string, any>;
  t.deepEqual(s.openclawExtra, { kept: true });
  t.is(s.profiles['anthropic:default'].addedBy, 'openclaw');
  t.deepEqual(s.usageStats['anthropic:manual'].futureField, [1, 2]);
  t.deepEqual(JSON.parse(serializeStore(r.store)), JSON.parse(fixture('openclaw-main.json').toString('utf8')));
});

test('a UTF-8 BOM is tolerated', (t) => {
  const r = parseStoreBytes(
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"version":1,"profiles":{}}')]),
  );
  t.true(r.ok);
});

test('property: parseStoreBytes never throws on arbitrary bytes', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      const r = parseStoreBytes(bytes);
      return typeof r.ok === 'boolean';
    }),
    { seed: 2101, numRuns: 500 },
  );
  t.pass();
});

test('property: parseStoreText never throws on arbitrary JSON or text', (t) => {
  const candidates = fc.oneof(
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => JSON.stringify({ version: 1, profiles: v })),
    fc.jsonValue().map((v) => JSON.stringify({ version: 1, profiles: { 'a:b': v } })),
  );
  fc.assert(
    fc.property(candidates, (text) => typeof parseStoreText(text).ok === 'boolean'),
    { seed: 2102, numRuns: 1000 },
  );
  t.pass();
});

const KNOWN = new Set([
  'type',
  'provider',
  'key',
  'keyRef',
  'token',
  'tokenRef',
  'access',
  'refresh',
  'expires',
  'email',
  'accountId',
  'baseUrl',
  'version',
  'profiles',
  'order',
  'lastGood',
  'usageStats',
  'lastUsed',
  'cooldownUntil',
  'errorCount',
  'failureCounts',
  'disabledUntil',
  'disabledReason',
  'lastProbe',
  'lastRefresh',
]);
const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN.has(k) && k !== '__proto__');
const extras = fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const profileId = fc
  .tuple(fc.constantFrom('anthropic', 'openai', 'x-y'), fc.string({ minLength: 1, maxLength: 10 }))
  .map(([p, n]) => `${p}:${n}`);
const profile = fc
  .record(
    {
      type: fc.constantFrom(...CREDENTIAL_TYPES),
      provider: fc.string({ minLength: 1, maxLength: 10 }),
      key: fc.string(),
      token: fc.oneof(
        fc.string(),
        fc.record({ source: fc.constantFrom('env' as const, 'file' as const), id: fc.string({ minLength: 1 }) }),
      ),
      access: fc.string(),
      refresh: fc.string(),
      expires: fc.integer(),
      email: fc.string(),
    },
    { requiredKeys: ['type', 'provider'] },
  )
  .chain((p) => extras.map((e) => ({ ...e, ...p })));
const store = fc
  .record(
    {
      profiles: fc.dictionary(profileId, profile, { maxKeys: 4 }),
      order: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.array(profileId, { maxLength: 3 }), {
        maxKeys: 2,
      }),
      lastGood: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), profileId, { maxKeys: 2 }),
      usageStats: fc.dictionary(
        profileId,
        fc
          .record({ lastUsed: fc.nat(), errorCount: fc.nat() }, { requiredKeys: [] })
          .chain((u) => extras.map((e) => ({ ...e, ...u }))),
        { maxKeys: 2 },
      ),
    },
    { requiredKeys: ['profiles'] },
  )
  .chain((s) => extras.map((e) => ({ ...e, ...s, version: 1 as const })));

test('property: valid stores round-trip through serializeStore with unknown fields preserved', (t) => {
  fc.assert(
    fc.property(store, (s) => {
      const text = serializeStore(s as never);
      const r = parseStoreText(text);
      if (!r.ok) throw new Error(`valid store refused: ${r.detail}`);
      // Same document after a write, profile by profile (legacy spellings and unknown fields included) …
      t.deepEqual(JSON.parse(serializeStore(r.store)), JSON.parse(text));
      // … and once written by aipro, the bytes are stable across read/write cycles.
      const once = serializeStore(r.store);
      const again = parseStoreText(once);
      return again.ok && serializeStore(again.store) === once;
    }),
    { seed: 2103, numRuns: 300 },
  );
  t.pass();
});

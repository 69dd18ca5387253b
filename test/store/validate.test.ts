import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { FAST_SHAPES, NO, zodSchemas } from '../../src/store/validate.js';

const zod = zodSchemas();
type Name = keyof typeof FAST_SHAPES;
const names = Object.keys(FAST_SHAPES) as Name[];

test('every fast check lists exactly the fields of its zod schema, in order', (t) => {
  for (const name of names) t.deepEqual(FAST_SHAPES[name].keys, Object.keys(zod[name].shape), name);
});

// Values near each schema: right fields with right and wrong types, unknown keys, __proto__.
const scalar = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('env', 'file', 'api_key', 'token', 'oauth', 'anthropic', ''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(1),
);
const fieldNames = [...new Set(names.flatMap((n) => FAST_SHAPES[n].keys)), 'extra', '__proto__', 'windows'];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), tie('o')),
  o: fc
    .dictionary(fc.constantFrom(...fieldNames), tie('v'), { maxKeys: 6 })
    .map((o) => JSON.parse(JSON.stringify(o)) as unknown),
})).v;
// Objects built from a schema's own fields with values of the right type most of the time.
const good: Record<string, fc.Arbitrary<unknown>> = {
  source: fc.constantFrom('env', 'file', 'vault'),
  id: fc.string({ maxLength: 4 }),
  type: fc.constantFrom('api_key', 'token', 'oauth', 'apiKey'),
  provider: fc.constantFrom('anthropic', 'openai', ''),
  ok: fc.boolean(),
  permanent: fc.boolean(),
  windows: fc.array(
    fc.record(
      { window: fc.string({ maxLength: 3 }), utilization: fc.double(), resetsAt: fc.integer() },
      { requiredKeys: ['window', 'utilization'] },
    ),
    { maxLength: 2 },
  ),
  quota: fc.oneof(
    fc.array(fc.record({ window: fc.string(), utilization: fc.integer() }), { maxLength: 2 }),
    fc.record({ at: fc.integer(), windows: fc.constant([]) }),
  ),
  failureCounts: fc
    .dictionary(fc.constantFrom('a', 'b', '__proto__'), fc.integer(), { maxKeys: 2 })
    .map((o) => JSON.parse(JSON.stringify(o)) as unknown),
  key: fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.record({ source: fc.constantFrom('env', 'file'), id: fc.string({ maxLength: 3 }) }),
  ),
  version: fc.constantFrom(1, 2),
};
for (const k of [
  'at',
  'httpStatus',
  'latencyMs',
  'clockSkewMs',
  'utilization',
  'resetsAt',
  'expires',
  'refreshExpires',
  'lastUsed',
  'cooldownUntil',
  'errorCount',
  'disabledUntil',
])
  good[k] = fc.oneof(fc.integer(), fc.double());
for (const k of ['profiles', 'order', 'lastGood', 'usageStats'])
  good[k] = fc
    .dictionary(fc.constantFrom('a', 'b', '__proto__'), value, { maxKeys: 2 })
    .map((o) => JSON.parse(JSON.stringify(o)) as unknown);
const nearly = (name: Name) =>
  fc
    .tuple(
      ...FAST_SHAPES[name].keys.map((k) =>
        fc.option(
          fc.oneof({ weight: 6, arbitrary: good[k] ?? fc.string({ maxLength: 4 }) }, { weight: 1, arbitrary: value }),
          { nil: undefined, freq: 2 },
        ),
      ),
      fc.option(value, { nil: undefined }),
    )
    .map(([...vals]) => {
      const extra = vals.pop();
      const o: Record<string, unknown> = {};
      FAST_SHAPES[name].keys.forEach((k, i) => {
        if (vals[i] !== undefined) o[k] = vals[i];
      });
      if (extra !== undefined) o.extra = extra;
      return o;
    });

for (const name of names) {
  test(`${name}: whatever the fast check accepts, zod accepts with the same result`, (t) => {
    let fastYes = 0;
    fc.assert(
      fc.property(fc.oneof(nearly(name), value), (v) => {
        const fast = FAST_SHAPES[name](v);
        if (fast === NO) return true;
        fastYes++;
        const slow = zod[name].safeParse(v);
        // Same JSON, same key order, and the same objects (prototypes included).
        return (
          slow.success &&
          JSON.stringify(slow.data) === JSON.stringify(fast) &&
          Object.keys(slow.data).join() === Object.keys(fast as object).join() &&
          isDeepStrictEqual(slow.data, fast)
        );
      }),
      { seed: 1818, numRuns: 3000 },
    );
    t.true(fastYes > 0, 'the fast check accepted something');
  });
}

test(
  'the fast checks accept every well-formed profile and usage entry of the fixtures (zod stays off the common ' +
    'path)',
  (t) => {
    const dir = new URL('../fixtures/auth-store/', import.meta.url);
    let profiles = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      let json: { profiles?: Record<string, unknown>; usageStats?: Record<string, unknown> };
      try {
        json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      } catch {
        continue;
      }
      if (!json || typeof json !== 'object') continue;
      for (const [id, p] of Object.entries(json.profiles ?? {})) {
        if (zod.ProfileSchema.safeParse(p).success) {
          profiles++;
          t.not(FAST_SHAPES.ProfileSchema(p), NO, `${file}: ${id}`);
        }
      }
      for (const [id, u] of Object.entries(json.usageStats ?? {}))
        if (zod.UsageStatsSchema.safeParse(u).success)
          t.not(FAST_SHAPES.UsageStatsSchema(u), NO, `${file}: usageStats ${id}`);
    }
    t.true(profiles > 0);
  },
);

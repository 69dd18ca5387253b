/**
 * The fast config reader against convict: whenever the fast reader answers, convict accepts the
 * same file and gives the same config (key order included); otherwise convict decides.
 */
import test from 'ava';
import fc from 'fast-check';
import { fastConfig } from '../../src/config/fast-read.js';
import { validateConfig, validateWithConvict } from '../../src/config/load.js';
import { schema } from '../../src/config/schema.js';

type Obj = Record<string, unknown>;

/** Every leaf of the schema as the path a config file uses (`agents.default`, not `__default`). */
function leafPaths(node: Obj, prefix: string[] = []): string[][] {
  return Object.entries(node).flatMap(([k, v]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
    const path = [...prefix, k === '__default' ? 'default' : k];
    return Object.hasOwn(v, 'default') ? [path] : leafPaths(v as Obj, path);
  });
}
const LEAVES = leafPaths(schema as unknown as Obj);
const SECTIONS = [...new Set(LEAVES.map((p) => p.slice(0, -1).join('.')).filter(Boolean))].map((p) => p.split('.'));

// Values valid somewhere in the schema and values valid nowhere, the strings convict converts
// ("5000", "true", "a,b", "{}"), maps with ids that hold dots or prototype names, secret references.
const VALUE = fc.constantFrom<unknown>(
  '',
  'x',
  'main',
  'ops',
  '24h',
  '7d',
  'soon',
  '*/5 * * * *',
  '* * * *',
  '127.0.0.1:9000',
  ':0',
  'https://hc-ping.com/abc',
  'ftp://x',
  'stateset',
  'label',
  'hash',
  'POST',
  'postgres',
  'none',
  'aipro',
  'Bad-Schema',
  'anthropic/claude-opus-4',
  '5000',
  'true',
  'false',
  'a,b',
  '{}',
  0,
  1,
  5,
  100,
  8000,
  65535,
  70000,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  ['14d', '1d'],
  ['x', 3],
  [{ 'a.b': 1 }],
  {},
  { a: 'b' },
  { opus: 'anthropic/claude-opus-4', sonnet: 'anthropic/x' },
  { 'a.b': 'c', 'x%2Ey': 'd' },
  { constructor: 'x' },
  { toString: { provider: 'p' } },
  { anthropic: ['anthropic:a', 'anthropic:b'] },
  { anthropic: 'anthropic:a' },
  { 'openai-codex:me@example.com': { provider: 'openai-codex', mode: 'oauth' } },
  { 'anthropic:k': { provider: 'anthropic', nested: { 'a.b': 1 } } },
  { anthropic: { baseUrl: 'http://127.0.0.1:1', oauth: { scopes: ['a'] } } },
  { ops: { type: 'webhook', url: 'https://hooks.example.com/x' } },
  { ops: { type: 'email', to: ['a@b.c'], smtp: { host: 'h', pass: { source: 'env', id: 'P' } } } },
  { ops: { type: 'sms' } },
  { source: 'env', id: 'TOKEN' },
  { source: 'file', id: '/run/secret' },
  { source: 'env', id: 'TOKEN', 'a.b': 1 },
  { source: 'vault', id: 'x' },
);
const PATH = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...LEAVES) },
  { weight: 1, arbitrary: fc.constantFrom(...SECTIONS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(['nope'], ['auth', 'nope'], ['agents', '__default'], ['__proto__'], ['monitor', 'x.y']),
  },
);
const ENV = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom({ FOO: '1' }, { AIPRO_AGENT: 'ops' }, { AIPRO_WARN_HOURS: '5' }) },
);

function setIn(root: Obj, path: readonly string[], value: unknown): void {
  let cur = root;
  for (const k of path.slice(0, -1)) {
    const next = cur[k];
    if (!next || typeof next !== 'object' || Array.isArray(next))
      Object.defineProperty(cur, k, { value: {}, enumerable: true, writable: true, configurable: true });
    cur = cur[k] as Obj;
  }
  Object.defineProperty(cur, path[path.length - 1] as string, {
    value: structuredClone(value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
const RAW = fc.array(fc.tuple(PATH, VALUE), { maxLength: 6 }).map((pairs) => {
  const raw: Obj = {};
  for (const [path, value] of pairs) setIn(raw, path, value);
  // What the CLI reads is parsed JSON.
  return JSON.parse(JSON.stringify(raw)) as Obj;
});

test('the fast reader gives exactly what convict gives, or leaves the file to convict', (t) => {
  let fast = 0;
  fc.assert(
    fc.property(RAW, ENV, (raw, env) => {
      const got = fastConfig(structuredClone(raw), env);
      if (got === undefined) return true;
      fast++;
      const want = validateWithConvict(structuredClone(raw), 'x', env);
      if (!want.ok) throw new Error(`convict refused ${JSON.stringify(raw)}: ${want.key}: ${want.detail}`);
      // Same content and the same key order (JSON output follows it).
      return JSON.stringify(got) === JSON.stringify(want.config);
    }),
    { seed: 1819, numRuns: 3000 },
  );
  // Not vacuous: a good share of the random files is read without convict.
  t.true(fast > 300, `only ${fast} of 3000 configs took the fast path`);
});

test('no file and a file of valid known keys take the fast path; errors still come from convict', (t) => {
  const none = fastConfig({}, {});
  t.truthy(none);
  t.deepEqual(none, (validateWithConvict({}, 'x', {}) as { config: unknown }).config);
  const file = {
    agents: { default: 'ops' },
    auth: { warnHours: 48, order: { anthropic: ['anthropic:a'] } },
    models: { aliases: { opus: 'anthropic/claude-opus-4' } },
    monitor: { labels: { profile: 'hash' }, heartbeat: { url: { source: 'env', id: 'HB' } } },
  };
  const got = fastConfig(file, {});
  t.is(got?.agents.default, 'ops');
  // A map of plain values is merged over its default, as convict does.
  t.deepEqual(got?.models.aliases, { sonnet: 'anthropic/claude-sonnet-4-5', opus: 'anthropic/claude-opus-4' });
  for (const [raw, env] of [
    [{ auth: { warnHours: '48' } }, {}],
    [{ auth: { warnHours: -1 } }, {}],
    [{ nope: 1 }, {}],
    [{}, { AIPRO_WARN_HOURS: '5' }],
  ] as [Obj, Obj][])
    t.is(fastConfig(raw, env as Record<string, string>), undefined, JSON.stringify([raw, env]));
  const bad = validateConfig({ auth: { warnHours: -1 } }, 'x', {});
  t.deepEqual(bad, { ok: false, path: 'x', key: 'auth.warnHours', detail: 'must be a number ≥ 0' });
});

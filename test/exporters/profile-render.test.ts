/**
 * The per-profile families render from one record per profile, by hand: for any sequence of
 * updates their exposition (and JSON view) is byte for byte what prom-client renders for the
 * same series held in plain prom-client Gauges, set in the families' order (profiles by key).
 */
import test from 'ava';
import fc from 'fast-check';
import client from 'prom-client';
import { renderExposition } from '../../exporters/prometheus/exposition.js';
import { createMetrics, profileKey, removeProfile, type AiproMetrics } from '../../exporters/prometheus/registry.js';
import { STATUSES } from '../../src/store/status.js';

const GAUGES = [
  'profileExpiry',
  'profileExpiryKnown',
  'probeSuccess',
  'probeValid',
  'probeDuration',
  'lastProbe',
  'probeHttpStatus',
  'refreshExpiry',
  'nextRefresh',
  'cooldownUntil',
  'quotaObserved',
] as const;
const WINDOWED = ['quotaUtilization', 'quotaReset'] as const;

type Op =
  | { op: 'set'; family: number; key: number; value: number }
  | { op: 'info'; key: number; type: string; source: string; value: number }
  | { op: 'state'; key: number; state: string }
  | { op: 'windows'; family: number; key: number; list: { window: string; value: number }[] }
  | { op: 'remove'; family: number; key: number }
  | { op: 'removeProfile'; key: number };

// Label values that need escaping, unicode, and ids that sort differently from their labels.
const labelText = fc.constantFrom('main', 'ops', 'a"b', 'back\\slash', 'new\nline', 'ünï', 'z:1', 'A', '');
// No NaN: prom-client 15 prints it `Nan`; the exposition format (and aipro, tested below) says `NaN`.
const value = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -5, max: 600 }),
  fc.constantFrom(0, -0, 1, 1768694400.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const KEYS = 5;
const key = fc.integer({ min: 0, max: KEYS - 1 });
const window = fc.constantFrom('5h', '7d', '7d_opus', 'req"uests', 'x\\y');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), family: fc.nat(GAUGES.length - 1), key, value }),
  fc.record({ op: fc.constant('info' as const), key, type: labelText, source: labelText, value }),
  fc.record({ op: fc.constant('state' as const), key, state: fc.constantFrom(...STATUSES, 'other"state') }),
  fc.record({
    op: fc.constant('windows' as const),
    family: fc.nat(1),
    key,
    list: fc.uniqueArray(fc.record({ window, value }), { selector: (w) => w.window, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('remove' as const), family: fc.nat(GAUGES.length + 2), key }),
  fc.record({ op: fc.constant('removeProfile' as const), key }),
);
const profiles = fc.uniqueArray(fc.record({ agent: labelText, provider: labelText, profile: labelText }), {
  minLength: KEYS,
  maxLength: KEYS,
  selector: (p) => `${p.agent}\u0000${p.profile}`,
});

type Labels = { agent: string; provider: string; profile: string };

/** The reference: per family, per key, the labels and values a plain Gauge is given. */
type Model = Map<string, Map<number, { labels: Record<string, string>; value: number }[]>>;

function apply(m: AiproMetrics, model: Model, ids: Labels[], o: Op): void {
  const base = ids[o.key] as Labels;
  const k = profileKey(base.agent, base.profile);
  const put = (family: string, series: { labels: Record<string, string>; value: number }[]) => {
    const f = model.get(family) ?? new Map();
    model.set(family, f);
    if (series.length) f.set(o.key, series);
    else f.delete(o.key);
  };
  switch (o.op) {
    case 'set': {
      const family = GAUGES[o.family] as (typeof GAUGES)[number];
      m[family].set(k, base, o.value);
      put(family, [{ labels: { ...base }, value: o.value }]);
      break;
    }
    case 'info':
      m.profileInfo.set(k, { ...base, type: o.type, source: o.source }, o.value);
      put('profileInfo', [{ labels: { ...base, type: o.type, source: o.source }, value: o.value }]);
      break;
    case 'state':
      m.profileStatus.setState(k, base, o.state);
      put(
        'profileStatus',
        STATUSES.map((s) => ({ labels: { ...base, status: s }, value: s === o.state ? 1 : 0 })),
      );
      break;
    case 'windows': {
      const family = WINDOWED[o.family] as (typeof WINDOWED)[number];
      m[family].setWindows(k, base, o.list);
      put(
        family,
        o.list.map((w) => ({ labels: { ...base, window: w.window }, value: w.value })),
      );
      break;
    }
    case 'remove': {
      const all = [...GAUGES, ...WINDOWED, 'profileInfo', 'profileStatus'] as const;
      const family = all[o.family % all.length] as (typeof all)[number];
      m[family].remove(k);
      put(family, []);
      break;
    }
    case 'removeProfile':
      removeProfile(m, k);
      for (const f of model.values()) f.delete(o.key);
      break;
  }
}

/** The same series through prom-client: one Gauge per family, profiles in key order. */
async function promClientText(m: AiproMetrics, model: Model, ids: Labels[]) {
  const registry = new client.Registry();
  const byKey = [...ids.keys()].sort((a, b) => {
    const ka = profileKey((ids[a] as Labels).agent, (ids[a] as Labels).profile);
    const kb = profileKey((ids[b] as Labels).agent, (ids[b] as Labels).profile);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const gauges = [];
  for (const f of m.families) {
    const name = (Object.keys(m) as (keyof AiproMetrics)[]).find((n) => m[n] === f) as string;
    const g = new client.Gauge({ name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] });
    for (const i of byKey) for (const s of model.get(name)?.get(i) ?? []) g.set(s.labels, s.value);
    gauges.push(g);
  }
  return { text: await registry.metrics(), json: await Promise.all(gauges.map((g) => g.get())) };
}

test('the per-profile families render what prom-client renders for the same series', async (t) => {
  await fc.assert(
    fc.asyncProperty(profiles, fc.array(op, { maxLength: 40 }), async (ids, ops) => {
      const m = createMetrics({ defaultMetrics: false });
      const model: Model = new Map();
      const pairs = (js: { values: { labels: object; value: number }[] }[]) =>
        JSON.stringify(js.map((j) => j.values.map((v) => [v.labels, v.value])));
      // Compared after every update: a stale render order or cache shows up right where it happens.
      for (const o of ops) {
        apply(m, model, ids, o);
        const expected = await promClientText(m, model, ids);
        const actual = await renderExposition({ registry: new client.Registry(), families: m.families });
        if (actual !== expected.text) return false;
        // The JSON view too (as JSON text: -0 reads as 0 on both sides).
        const json = await Promise.all(m.families.map((f) => f.get()));
        if (pairs(json) !== pairs(expected.json)) return false;
      }
      return true;
    }),
    { seed: 1018, numRuns: 150 },
  );
  t.pass();
});

test('a family with no series renders its HELP and TYPE only, as prom-client does', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  const text = await renderExposition({ registry: new client.Registry(), families: [m.cooldownUntil] });
  t.is(text, `# HELP ${m.cooldownUntil.name} ${m.cooldownUntil.help}\n# TYPE ${m.cooldownUntil.name} gauge\n`);
});

test('NaN is written `NaN`, as the exposition format spells it', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  const base = { agent: 'main', provider: 'p', profile: 'p:1' };
  m.probeDuration.set(profileKey('main', 'p:1'), base, Number.NaN);
  m.quotaReset.setWindows(profileKey('main', 'p:1'), base, [{ window: '5h', value: Number.NaN }]);
  const text = await renderExposition({ registry: new client.Registry(), families: m.families });
  t.true(text.includes('aipro_auth_profile_probe_duration_seconds{agent="main",provider="p",profile="p:1"} NaN\n'));
  t.true(
    text.includes('aipro_quota_reset_timestamp_seconds{agent="main",provider="p",profile="p:1",window="5h"} NaN\n'),
  );
  t.true(Number.isNaN((await m.probeDuration.get()).values[0]?.value));
});

/**
 * Property: any JSON value at any field of a profile (or as the whole profile, or in its
 * usage stats) never makes `models status` throw in any output mode; text, --plain and
 * --json agree on the exit code; and a store holding a profile that is neither ok nor
 * static never exits 0 under --check. In-process over the real context loader and a real
 * store file; the seed is pinned (override with FC_SEED) and printed.
 */
import test from 'ava';
import fc from 'fast-check';
import { loadContext } from '../../src/context.js';
import { statusOutput, statusReports } from '../../src/cli/models-status.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, TOKEN } from './support.js';

const SEED = Number(process.env.FC_SEED ?? 20261201);
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const FIELDS = [
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
  'apiKey',
  'x-future',
];

const base = fc.constantFrom<Record<string, unknown>>(
  { type: 'api_key', provider: 'anthropic', key: KEY },
  { type: 'token', provider: 'anthropic', token: TOKEN, expires: NOW + 30 * 86_400_000 },
  {
    type: 'oauth',
    provider: 'openai-codex',
    access: 'FIXTUREACCESS',
    refresh: 'FIXTUREREFRESH',
    expires: NOW + 3_600_000,
  },
);
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    8_640_000_000_000_001,
    1e308,
    -1,
    0,
    1.5,
    1_798_761_600,
    NOW,
    NOW - 1,
    Number.MAX_SAFE_INTEGER,
    '',
    'apiKey',
    'passkey',
  ),
);
const profile = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(base, fc.constantFrom(...FIELDS), anyValue).map(([p, k, v]) => ({ ...p, [k]: v })) },
  { weight: 1, arbitrary: anyValue },
);
const stats = fc.option(
  fc.dictionary(
    fc.constantFrom('lastUsed', 'cooldownUntil', 'disabledUntil', 'errorCount'),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, 8.64e15 + 1)),
  ),
  { nil: undefined },
);
const store = fc.tuple(profile, profile, stats).map(([a, b, s]) => ({
  version: 1,
  profiles: { 'anthropic:a': a, 'openai:b': b },
  ...(s ? { usageStats: { 'anthropic:a': s } } : {}),
}));

test('property: no output mode throws, all modes agree, a broken profile never exits 0', (t) => {
  t.log(`fast-check seed ${SEED} (FC_SEED=${SEED} to replay)`);
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const ctx = { ...loadContext({ env: h.env, cwd: h.home }), now: () => NOW };
  const warnMs = 86_400_000;
  fc.assert(
    fc.property(store, (s) => {
      h.writeStore(s);
      const reports = statusReports(ctx, {}, NOW, warnMs);
      const codes = [{}, { plain: true }, { json: true }].map(
        (mode) => statusOutput(reports, { ...mode, check: true }, ctx, NOW, warnMs).code,
      );
      if (new Set(codes).size !== 1) throw new Error(`modes disagree: ${codes.join(', ')}`);
      const doc = JSON.parse(statusOutput(reports, { json: true, check: true }, ctx, NOW, warnMs).out) as {
        agents: { storeError: unknown; profiles: { status: string }[] }[];
      };
      const broken = doc.agents.some(
        (a) => a.storeError !== null || a.profiles.some((p) => p.status !== 'ok' && p.status !== 'static'),
      );
      if (broken && codes[0] === 0) throw new Error('a broken profile exited 0');
      for (const mode of [{}, { plain: true }, { json: true }]) statusOutput(reports, mode, ctx, NOW, warnMs);
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass();
});

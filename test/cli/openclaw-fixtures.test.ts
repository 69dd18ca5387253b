/**
 * OpenClaw store cases (test/fixtures/openclaw/): one table, every output mode. Each case
 * gives the verdict per profile and the `--check` exit code; text, --plain and --json must
 * agree on it, and a write to the store must give back every profile it did not change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const DIR = new URL('../fixtures/openclaw/', import.meta.url).pathname;

interface Expected {
  exitCode: number;
  storeError: string | null;
  profiles: Record<string, string>;
  details?: Record<string, string>;
  expiryKnown?: Record<string, boolean>;
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.json'.length));

test('every fixture has its expected verdict beside it', (t) => {
  t.true(cases.length >= 15);
  for (const c of cases) t.notThrows(() => JSON.parse(readFileSync(join(DIR, `${c}.expected.json`), 'utf8')), c);
});

for (const name of cases) {
  test(`OpenClaw store ${name}`, async (t) => {
    const expected = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected;
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const bytes = readFileSync(join(DIR, `${name}.json`), 'utf8');
    const path = h.writeStore(bytes);

    const json = await runCli(['models', 'status', '--check', '--json'], { env: h.env, timeoutMs: 90_000 });
    t.is(json.stderr, '', 'no crash');
    t.is(json.code, expected.exitCode, `--json exit: ${json.stdout}`);
    const doc = JSON.parse(json.stdout) as {
      exitCode: number;
      agents: {
        agent: string;
        storeError: { reason: string } | null;
        profiles: { id: string; status: string; detail: string; expiryKnown: boolean }[];
      }[];
    };
    t.is(doc.exitCode, expected.exitCode);
    const main = doc.agents.find((a) => a.agent === 'main');
    if (!main) return t.fail('no main agent in --json');
    t.is(main.storeError?.reason ?? null, expected.storeError);
    t.deepEqual(Object.fromEntries(main.profiles.map((p) => [p.id, p.status])), expected.profiles);
    for (const [id, detail] of Object.entries(expected.details ?? {}))
      t.true(main.profiles.find((p) => p.id === id)?.detail.includes(detail), `${id} detail`);
    for (const [id, known] of Object.entries(expected.expiryKnown ?? {}))
      t.is(main.profiles.find((p) => p.id === id)?.expiryKnown, known, `${id} expiryKnown`);

    const text = await runCli(['models', 'status', '--check'], { env: h.env, timeoutMs: 90_000 });
    t.is(text.stderr, '', 'text: no crash');
    t.is(text.code, expected.exitCode, 'text exit');
    const plain = await runCli(['models', 'status', '--check', '--plain'], { env: h.env, timeoutMs: 90_000 });
    t.is(plain.stderr, '', '--plain: no crash');
    t.is(plain.code, expected.exitCode, '--plain exit');
    const lines = plain.stdout.trim().split('\n').filter(Boolean);
    t.true(
      lines.length >= Math.max(1, Object.keys(expected.profiles).length),
      'every profile (or the store error) has a plain line',
    );

    if (expected.storeError !== null) {
      t.is(readFileSync(path, 'utf8'), bytes, 'a store that does not parse is never written');
      return;
    }
    // A write that touches no profile (order set on the first good profile) gives every profile back as read.
    const good = Object.entries(expected.profiles).find(([, s]) => s === 'static' || s === 'ok' || s === 'expired');
    if (!good) return;
    const [id] = good;
    const provider = id.slice(0, id.indexOf(':'));
    const set = await runCli(['models', 'auth', 'order', 'set', '--provider', provider, id], {
      env: h.env,
      timeoutMs: 90_000,
    });
    t.is(set.code, 0, set.stderr);
    const before = JSON.parse(bytes) as {
      version?: number;
      profiles: Record<string, unknown>;
      order?: Record<string, unknown>;
    };
    const after = JSON.parse(readFileSync(path, 'utf8')) as typeof before;
    t.deepEqual(Object.keys(after.profiles), Object.keys(before.profiles));
    for (const pid of Object.keys(before.profiles))
      t.is(JSON.stringify(after.profiles[pid]), JSON.stringify(before.profiles[pid]), `${pid} written back as read`);
    // Everything else too (unreadable order/lastGood/usageStats entries, unknown keys); only the order set and the
    // version differ.
    // (Compared as JSON text: a number JSON cannot hold, like 1e400, reads as Infinity and is written as null.)
    const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    t.deepEqual(after, asJson({ ...before, version: 1, order: { ...(before.order ?? {}), [provider]: [id] } }));
  });
}

/**
 * `aipro store copy` in both directions through the bundle: every part of a store survives
 * file → postgres → file byte for byte (unknown fields, order, lastGood, usage stats,
 * cooldowns, a malformed profile), per agent, idempotent both ways, and never an older
 * token over a newer one in either direction.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import type { Store } from '../../src/store/schema.js';
import { serializeStore } from '../../src/store/write.js';
import { runCli } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const KEY = randomBytes(32).toString('base64');
const T = { timeoutMs: 60_000 };
const OAT = (c: string) => `sk-ant-oat01-${c.repeat(80)}`;

/** Everything a store may hold, written as aipro writes it. */
const RICH = {
  version: 1,
  profiles: {
    'anthropic:work': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'w'.repeat(93)}AA`, note: 'ops' },
    'anthropic:manual': { type: 'token', provider: 'anthropic', token: OAT('M'), expires: 4102444800000 },
    'openai-codex:me@example.com': {
      type: 'oauth',
      provider: 'openai-codex',
      access: 'ACCESS-rich-0123456789',
      refresh: 'REFRESH-rich-0123456789',
      expires: 4102444800000,
      email: 'me@example.com',
      importedFrom: { source: 'codex', path: '/x/auth.json', mtimeMs: 1, sha256: 'ab', at: 2 },
      zeta: { nested: [1, 'two'] },
    },
    'openai:legacy': { type: 'apiKey', provider: 'openai', apiKey: 'sk-legacy-rich-0123456789' },
    'openai:ref': { type: 'api_key', provider: 'openai', key: { source: 'env', id: 'OPENAI_API_KEY' } },
    'anthropic:broken': { type: 'token', provider: 'anthropic', token: OAT('B'), expires: 'soon' },
  },
  order: { anthropic: ['anthropic:manual', 'anthropic:work'], openai: ['openai:ref'] },
  lastGood: { anthropic: 'anthropic:manual' },
  usageStats: {
    'anthropic:work': {
      lastUsed: 1764000000000,
      cooldownUntil: 4102444800000,
      errorCount: 2,
      failureCounts: { rate_limit: 2 },
      lastProbe: { at: 1764000000000, ok: false, reason: 'rate_limit', httpStatus: 429, clockSkewMs: -1200 },
    },
    'anthropic:manual': { disabledUntil: 4102444800000, disabledReason: 'billing', custom: { kept: true } },
  },
  topLevelExtra: { keep: ['me'] },
};

function host(t: { teardown(fn: () => void): void }, url: string): TempHome {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ store: { backend: 'postgres' } });
  Object.assign(h.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: KEY });
  return h;
}

const copy = (h: TempHome, ...args: string[]) =>
  runCli(['store', 'copy', ...args], { env: h.env, ...T }).then((r) => ({ ...r, out: r.stdout + r.stderr }));

async function migrated(url: string): Promise<void> {
  const pool = createPool(url);
  try {
    await migrate(pool, 'aipro');
  } finally {
    await pool.end();
  }
}

test('every part of a store survives file → postgres → file byte-equal, per agent, idempotent both ways', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await migrated(url);
  const [a, b] = [host(t, url), host(t, url)];
  const text = serializeStore(RICH as unknown as Store);
  writeFileSync(a.writeStore('{}'), text);
  writeFileSync(a.writeStore('{}', 'ops'), serializeStore({ version: 1, profiles: {} } as Store));

  const one = await copy(a, '--from', 'file', '--to', 'postgres', '--agent', 'ops');
  t.is(one.code, 0, one.out);
  t.is(one.stdout, 'ops: copied 0 profile(s)\n', 'only the agent asked for');
  const up = await copy(a, '--from', 'file', '--to', 'postgres', '--json');
  t.is(up.code, 0, up.out);
  t.deepEqual(
    JSON.parse(up.stdout).agents.map((x: { agent: string; result: string }) => [x.agent, x.result]),
    [
      ['main', 'copied'],
      ['ops', 'unchanged'],
    ],
  );

  const down = await copy(b, '--from', 'postgres', '--to', 'file');
  t.is(down.code, 0, down.out);
  t.is(readFileSync(b.storePath(), 'utf8'), text, 'byte-equal after the round trip');
  const again = await copy(b, '--from', 'postgres', '--to', 'file');
  t.is(again.stdout, 'main: already up to date\nops: already up to date\n');
  t.is(readFileSync(b.storePath(), 'utf8'), text);
  for (const secret of ['ACCESS-rich', 'REFRESH-rich', 'sk-legacy-rich', OAT('M'), OAT('B')])
    t.false(up.out.includes(secret) || down.out.includes(secret) || again.out.includes(secret));

  // A change made in the fleet store keeps what it did not touch as it was: the malformed
  // profile (judged invalid, never dropped) and the legacy spelling.
  const paste = await runCli(
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'anthropic:new'],
    {
      env: a.env,
      input: `${OAT('P')}\n`,
      ...T,
    },
  );
  t.is(paste.code, 0, paste.stderr);
  const c = host(t, url);
  t.is((await copy(c, '--from', 'postgres', '--to', 'file', '--agent', 'main')).code, 0);
  const after = JSON.parse(readFileSync(c.storePath(), 'utf8'));
  t.deepEqual(after.profiles['anthropic:broken'], RICH.profiles['anthropic:broken']);
  t.deepEqual(after.profiles['openai:legacy'], RICH.profiles['openai:legacy']);
  t.is(after.profiles['anthropic:new'].token, OAT('P'));
});

test('postgres → file never puts an older token over a newer one in the file, and keeps its usage stats', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await migrated(url);
  const [a, b] = [host(t, url), host(t, url)];
  a.writeStore({
    version: 1,
    profiles: { 'anthropic:manual': { type: 'token', provider: 'anthropic', token: OAT('O'), expires: 4000000000000 } },
  });
  t.is((await copy(a, '--from', 'file', '--to', 'postgres')).code, 0);
  // Host b's own file got a newer token of the same profile (and a cooldown) before it copies down.
  const newer = {
    version: 1,
    profiles: { 'anthropic:manual': { type: 'token', provider: 'anthropic', token: OAT('N'), expires: 4100000000000 } },
    usageStats: { 'anthropic:manual': { cooldownUntil: 4100000000000, errorCount: 1 } },
  };
  b.writeStore(newer);
  const down = await copy(b, '--from', 'postgres', '--to', 'file');
  t.is(down.code, 0, down.out);
  t.regex(down.stdout, /main: already up to date; kept the newer file version of anthropic:manual/);
  const kept = JSON.parse(readFileSync(b.storePath(), 'utf8'));
  t.is(kept.profiles['anthropic:manual'].token, OAT('N'));
  t.deepEqual(kept.usageStats['anthropic:manual'], newer.usageStats['anthropic:manual']);
});

test('a source store that does not parse fails its agent (exit 1) and the others are still copied', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await migrated(url);
  const [a, b] = [host(t, url), host(t, url)];
  a.writeStore('{ not json');
  a.writeStore(
    {
      version: 1,
      profiles: { 'openai:ops': { type: 'api_key', provider: 'openai', key: 'sk-proj-OPS0123456789abcdefgh' } },
    },
    'ops',
  );
  const r = await copy(a, '--from', 'file', '--to', 'postgres');
  t.is(r.code, 1);
  t.regex(r.stdout, /main: FAILED: .*auth-profiles\.json/);
  t.regex(r.stdout, /ops: copied 1 profile/);
  const status = await runCli(['models', 'status', '--json', '--agent', 'ops'], { env: b.env, ...T });
  t.true(JSON.parse(status.stdout).agents[0].profiles.some((p: { id: string }) => p.id === 'openai:ops'));
});

/**
 * `models auth import claude-code|openclaw`, `sync`, `detach` and shell completion on the
 * postgres backend: they work on the shared store (sealed), name `postgres:<schema>/<agent>`,
 * write no file, and an imported profile is re-synced only by the host that imported it.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type pg from 'pg';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import { parseStoreKey } from '../../src/store/backends/postgres/seal.js';
import type { Store } from '../../src/store/schema.js';
import { runCli } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';
import { startRawUpstream } from '../helpers/raw-upstreams.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { eventually } from '../helpers/wait.js';
import { FIXTURES } from './support.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const KEY = randomBytes(32).toString('base64');
const T = { timeoutMs: 60_000 };

function host(t: { teardown(fn: () => void): void }, url: string, id: string): TempHome {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ store: { backend: 'postgres' } });
  Object.assign(h.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: KEY, AIPRO_HOST_ID: id });
  return h;
}

function claude(h: TempHome, access: string, refresh: string, expiresAt: number, mtime?: number): void {
  const dir = join(h.home, '.claude');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, '.credentials.json');
  writeFileSync(p, JSON.stringify({ claudeAiOauth: { accessToken: access, refreshToken: refresh, expiresAt } }));
  if (mtime) utimesSync(p, mtime / 1000, mtime / 1000);
}

async function fleet(t: { teardown(fn: () => Promise<void>): void }, url: string) {
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  const b = postgresBackend(createPool(url), 'aipro', parseStoreKey(KEY, 'k'));
  t.teardown(async () => {
    await b.close();
    await pool.end();
  });
  const read = async (agent = 'main'): Promise<Store> => {
    const r = await b.read({ id: agent, storePath: '' });
    if (!r.ok) throw new Error(r.detail);
    return r.store;
  };
  const rows = async (p: pg.Pool = pool) =>
    (await p.query('SELECT t::text AS row FROM aipro.profiles t')).rows.map((r) => r.row).join('\n');
  return { b, read, rows };
}

test('import claude-code into the fleet store: sealed, synced by its host only, detach hands it over', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const db = await fleet(t, url);
  const [a, b] = [host(t, url, 'gw-a'), host(t, url, 'gw-b')];
  const in1h = Date.now() + 3_600_000;
  claude(a, 'sk-ant-oat01-ACCESS-fleet-1', 'sk-ant-ort01-REFRESH-fleet-1', in1h);
  // Host b has a Claude Code login of its own at the same path: it must never flow into a's profile.
  claude(b, 'sk-ant-oat01-ACCESS-other-host', 'sk-ant-ort01-REFRESH-other-host', in1h + 7_200_000, Date.now() + 9000);

  const imp = await runCli(['models', 'auth', 'import', 'claude-code'], { env: a.env, ...T });
  t.is(imp.code, 0, imp.stderr);
  t.regex(imp.stdout, /anthropic:claude-code: imported/);
  t.regex(imp.stdout, /stored in postgres:aipro\/main.*on this host \(gw-a\) only.*aipro models auth sync/s);
  t.false(existsSync(a.storePath()), 'no file store was written');
  t.like((await db.read()).profiles['anthropic:claude-code'], {
    access: 'sk-ant-oat01-ACCESS-fleet-1',
    importedFrom: { source: 'claude-code', host: 'gw-a' },
  });
  t.false((await db.rows()).includes('ACCESS-fleet-1'), 'tokens are sealed');

  const other = await runCli(['models', 'auth', 'sync', '--json'], { env: b.env, ...T });
  t.is(other.code, 0, other.stderr);
  t.like(JSON.parse(other.stdout)[0], { profileId: 'anthropic:claude-code', decision: 'other_host' });
  t.regex(JSON.parse(other.stdout)[0].detail, /credentials\.json on host gw-a; run `aipro models auth sync` there/);
  t.is((await db.read()).profiles['anthropic:claude-code']?.access, 'sk-ant-oat01-ACCESS-fleet-1');

  const in2h = Date.now() + 7_200_000;
  claude(a, 'sk-ant-oat01-ACCESS-fleet-2', 'sk-ant-ort01-REFRESH-fleet-2', in2h, Date.now() + 5000);
  const own = await runCli(['models', 'auth', 'sync'], { env: a.env, ...T });
  t.is(own.code, 0, own.stderr);
  t.regex(own.stdout, /anthropic:claude-code: updated from/);
  t.like((await db.read()).profiles['anthropic:claude-code'], {
    access: 'sk-ant-oat01-ACCESS-fleet-2',
    importedFrom: { host: 'gw-a' },
  });

  const missing = await runCli(['models', 'auth', 'detach', 'anthropic:nope'], { env: b.env, ...T });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /profile anthropic:nope is not in postgres:aipro\/main/);
  const det = await runCli(['models', 'auth', 'detach', 'anthropic:claude-code'], { env: b.env, ...T });
  t.is(det.code, 0, det.stderr);
  t.regex(det.stdout, /detached from .*credentials\.json; aipro refreshes it from now on/);
  const p = (await db.read()).profiles['anthropic:claude-code'] as Record<string, unknown>;
  t.is(p.importedFrom, undefined);
  t.like(p.detachedFrom, { host: 'gw-a' });
  const all = [imp, other, own, det, missing].map((r) => r.stdout + r.stderr).join('\n');
  t.false(/ACCESS-fleet|REFRESH-fleet|other-host/.test(all), 'no token in any output');
  t.false(all.includes(url.split('@')[0]?.split(':')[2] as string), 'never the URL password');
});

test('a profile copied in from a file store is not synced by any host until imported again', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const db = await fleet(t, url);
  const a = host(t, url, 'gw-a');
  claude(a, 'sk-ant-oat01-ACCESS-copied', 'sk-ant-ort01-REFRESH-copied', Date.now() + 3_600_000);
  const fileEnv = { ...a.env, AIPRO_STORE_BACKEND: 'file' };
  t.is((await runCli(['models', 'auth', 'import', 'claude-code'], { env: fileEnv, ...T })).code, 0);
  t.is((await runCli(['store', 'copy', '--from', 'file', '--to', 'postgres'], { env: a.env, ...T })).code, 0);
  const sync = await runCli(['models', 'auth', 'sync'], { env: a.env, ...T });
  t.is(sync.code, 0, sync.stderr);
  t.regex(
    sync.stdout,
    /not synced on this host: it follows .*a host the fleet store does not know.*import claude-code/,
  );
  const p = (await db.read()).profiles['anthropic:claude-code'] as Record<string, unknown>;
  t.is(p.access, 'sk-ant-oat01-ACCESS-copied');
  t.is((p.importedFrom as { host?: string }).host, undefined);
});

test('import openclaw into the fleet store: exact into an empty store, identical again, --force merges', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const db = await fleet(t, url);
  const [a, b] = [host(t, url, 'gw-a'), host(t, url, 'gw-b')];
  const dir = join(a.home, '.openclaw');
  for (const id of ['main', 'work']) {
    mkdirSync(join(dir, 'agents', id, 'agent'), { recursive: true });
    copyFileSync(join(FIXTURES, 'openclaw-main.json'), join(dir, 'agents', id, 'agent', 'auth-profiles.json'));
  }
  const r = await runCli(['models', 'auth', 'import', 'openclaw'], { env: a.env, ...T });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /agent main: imported \(3 profiles\) .* -> postgres:aipro\/main/);
  t.regex(r.stdout, /agent work: imported \(3 profiles\) .* -> postgres:aipro\/work/);
  t.false(existsSync(a.storePath()) || existsSync(a.storePath('work')), 'no file store was written');
  t.false((await db.rows()).includes('FIXTUREFIXTURE'), 'secrets are sealed');
  const status = await runCli(['models', 'status', '--json', '--agent', 'work'], { env: b.env, ...T });
  t.deepEqual(
    JSON.parse(status.stdout)
      .agents[0].profiles.map((p: { id: string }) => p.id)
      .sort(),
    ['anthropic:default', 'anthropic:manual', 'openai-codex:me@example.com'],
  );
  // The copy out holds exactly what OpenClaw had, key order included (in aipro's formatting).
  const out = await runCli(['store', 'copy', '--from', 'postgres', '--to', 'file', '--agent', 'main'], {
    env: b.env,
    ...T,
  });
  t.is(out.code, 0, out.stderr);
  const canonical = (p: string) => JSON.stringify(JSON.parse(readFileSync(p, 'utf8')));
  t.is(canonical(b.storePath()), canonical(join(FIXTURES, 'openclaw-main.json')));

  const again = await runCli(['models', 'auth', 'import', 'openclaw', '--json'], { env: a.env, ...T });
  t.is(again.code, 0, again.stderr);
  t.deepEqual(
    JSON.parse(again.stdout).agents.map((x: { result: string }) => x.result),
    ['identical', 'identical'],
  );

  // Meanwhile another host added a profile and renewed a token in the fleet, and OpenClaw got a new profile.
  const add = await runCli(['models', 'auth', 'add-key', '--provider', 'openai', '--profile-id', 'openai:fleet'], {
    env: b.env,
    input: 'sk-proj-FLEETONLY0123456789abcdef\n',
    ...T,
  });
  t.is(add.code, 0, add.stderr);
  const renewed = `sk-ant-oat01-${'R'.repeat(80)}`;
  const paste = await runCli(
    [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'anthropic',
      '--profile-id',
      'anthropic:manual',
      '--expires-in',
      '36500d',
    ],
    { env: b.env, input: `${renewed}\n`, ...T },
  );
  t.is(paste.code, 0, paste.stderr);
  const unchanged = await runCli(['models', 'auth', 'import', 'openclaw', '--json'], { env: a.env, ...T });
  t.like(JSON.parse(unchanged.stdout).agents[0], { agent: 'main', result: 'identical' }, 'nothing new to bring in');
  const src = join(dir, 'agents', 'main', 'agent', 'auth-profiles.json');
  const doc = JSON.parse(readFileSync(src, 'utf8'));
  doc.profiles['openai:openclaw'] = { type: 'api_key', provider: 'openai', key: 'sk-proj-OPENCLAWNEW0123456789ab' };
  writeFileSync(src, JSON.stringify(doc));
  const conflict = await runCli(['models', 'auth', 'import', 'openclaw'], { env: a.env, ...T });
  t.is(conflict.code, 1);
  t.regex(conflict.stdout, /agent main: not imported: the fleet store of this agent holds different content.*--force/);
  t.falsy((await db.read()).profiles['openai:openclaw'], 'nothing written without --force');
  const merged = await runCli(['models', 'auth', 'import', 'openclaw', '--force'], { env: a.env, ...T });
  t.is(merged.code, 0, merged.stderr);
  t.regex(merged.stdout, /agent main: merged/);
  const after = (await db.read()).profiles;
  t.truthy(after['openai:openclaw'], 'the new OpenClaw profile came in');
  t.truthy(after['openai:fleet'], 'the fleet-only profile is kept');
  t.is(after['anthropic:manual']?.token, renewed, 'the newer fleet token is kept');
  t.false((r.stdout + again.stdout + conflict.stdout + merged.stdout).includes('FIXTUREFIXTURE'));
});

test('completion offers the profile and agent ids of the fleet store (and nothing from a dead one)', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await fleet(t, url);
  const [a, b] = [host(t, url, 'gw-a'), host(t, url, 'gw-b')];
  for (const [id, agent] of [
    ['openai:one', 'main'],
    ['openai:two', 'ops'],
  ] as const) {
    const r = await runCli(
      ['models', 'auth', 'add-key', '--provider', 'openai', '--profile-id', id, '--agent', agent],
      {
        env: a.env,
        input: 'sk-proj-COMPLETION0123456789abc\n',
        ...T,
      },
    );
    t.is(r.code, 0, r.stderr);
  }
  // A loaded machine can take longer than the shell's 2 s to answer; this test is about what it answers.
  b.env.AIPRO_COMPLETION_WAIT_MS = '60000';
  const profiles = await runCli(['completion', 'ids', 'profiles'], { env: b.env, ...T });
  t.is(profiles.code, 0, profiles.stderr);
  t.is(profiles.stdout, 'openai:one\nopenai:two\n');
  const agents = await runCli(['completion', 'ids', 'agents'], { env: b.env, ...T });
  t.is(agents.stdout, 'main\nops\n');
  const dead = { ...b.env, AIPRO_STORE_POSTGRES_URL: 'postgres://u:SECRETPW@127.0.0.1:1/x' };
  const none = await runCli(['completion', 'ids', 'profiles'], { env: dead, ...T });
  t.is(none.code, 0);
  t.is(none.stdout + none.stderr, '');
});

test('completion from a database that never answers: nothing after the wait, and only the run ends', async (t) => {
  const hole = await startRawUpstream();
  t.teardown(() => hole.close());
  const h = host(t, `postgres://u:SECRETPW@127.0.0.1:${new URL(hole.url).port}/x`, 'gw-b');
  h.env.AIPRO_COMPLETION_WAIT_MS = '300';
  // In-process: giving up must end the command, not the program running it (here, the test worker).
  const r = await runCli(['completion', 'ids', 'profiles'], { env: h.env, ...T });
  t.is(r.code, 0);
  t.is(r.stdout + r.stderr, '');
  // The attempt it gave up on goes on in the background (the aipro process exits instead).
  await eventually(async () => hole.connections >= 1, 60_000, 'the database to be asked');
});

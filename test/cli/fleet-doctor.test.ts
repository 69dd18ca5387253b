/**
 * `aipro doctor` on the postgres backend: the database unreachable, refusing the login or
 * missing, a schema behind (each with its next command and exit 1); the clock and daemon-env
 * checks judge the fleet store, not this host's files; store files left behind are named;
 * `--fix` says what it does not do for the fleet store.
 */
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import { parseStoreKey } from '../../src/store/backends/postgres/seal.js';
import { freePort } from '../helpers/net.js';
import { runCli } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const KEY = randomBytes(32).toString('base64');
const T = { timeoutMs: 90_000 };
const ANTHROPIC = `sk-ant-api03-${'d'.repeat(93)}AA`;

interface Check {
  id: string;
  level: string;
  summary: string;
  fix?: string;
}

function host(t: { teardown(fn: () => void): void }, url: string, config: Record<string, unknown> = {}): TempHome {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ ...config, store: { backend: 'postgres' } });
  Object.assign(h.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: KEY });
  return h;
}

async function doctor(h: TempHome, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(['doctor', '--json', ...args], { env: { ...h.env, ...env }, ...T });
  const doc = JSON.parse(r.stdout) as { checks: Check[]; notes: string[] };
  return {
    code: r.code,
    out: r.stdout + r.stderr,
    ...doc,
    find: (id: string) => doc.checks.filter((c) => c.id === id),
  };
}

test('PostgreSQL not running: fleet.reachable names host:port and the next command, exit 1, no password', async (t) => {
  const url = `postgres://aipro:PW-SECRET-123@127.0.0.1:${await freePort()}/aipro`;
  const h = host(t, url);
  const d = await doctor(h);
  t.is(d.code, 1);
  const [c] = d.find('fleet.reachable');
  t.like(c, { level: 'error' });
  t.regex(c?.summary ?? '', /^PostgreSQL at 127\.0\.0\.1:\d+\/aipro is not reachable: ECONNREFUSED/);
  t.regex(c?.fix ?? '', /start PostgreSQL .*AIPRO_STORE_POSTGRES_URL.*then `aipro doctor` again/);
  t.false(d.out.includes('PW-SECRET-123'));
  t.deepEqual(d.find('daemon.env'), [], 'no guess about credentials the database was not asked for');
  const text = await runCli(['doctor'], { env: h.env, ...T });
  t.is(text.code, 1);
  t.regex(text.stdout, /error PostgreSQL at .* is not reachable/);
  t.regex(text.stdout, /fix: start PostgreSQL/);
});

test('PostgreSQL down: status, list, copy and completion fail closed in one line naming aipro doctor', async (t) => {
  const url = `postgres://aipro:PW-SECRET-789@127.0.0.1:${await freePort()}/aipro`;
  const h = host(t, url);
  for (const args of [
    ['models', 'status'],
    ['models', 'status', '--check'],
    ['models', 'auth', 'list'],
    ['store', 'copy', '--from', 'postgres', '--to', 'file'],
  ]) {
    const r = await runCli(args, { env: h.env, ...T });
    t.is(r.code, 1, args.join(' '));
    t.regex(r.stderr, /^error: .*ECONNREFUSED.*aipro doctor/, args.join(' '));
    t.false(/unexpected failure|\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
    t.false((r.stdout + r.stderr).includes('PW-SECRET-789'));
  }
  // The refused connection, not the shell's 2 s wait on a loaded machine, is what leaves it empty.
  const ids = await runCli(['completion', 'ids', 'profiles'], {
    env: { ...h.env, AIPRO_COMPLETION_WAIT_MS: '60000' },
    ...T,
  });
  t.is(ids.code, 0);
  t.is(ids.stdout + ids.stderr, '');
});

test('a wrong password and a missing database are told apart from an unreachable server', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const wrongPw = host(t, url.replace(/:([^:@/]+)@/, ':WRONG-PW-456@'));
  const pw = await doctor(wrongPw);
  t.is(pw.code, 1);
  t.regex(pw.find('fleet.reachable')[0]?.summary ?? '', /refused the login: 28P01: password authentication failed/);
  t.regex(pw.find('fleet.reachable')[0]?.fix ?? '', /correct the user or password/);
  t.false(pw.out.includes('WRONG-PW-456'));
  const noDb = host(t, url.replace(/\/[^/]+$/, '/nosuchdb'));
  const db = await doctor(noDb);
  t.is(db.code, 1);
  t.regex(db.find('fleet.reachable')[0]?.summary ?? '', /answers, but 3D000: database "nosuchdb" does not exist/);
  t.regex(db.find('fleet.reachable')[0]?.fix ?? '', /createdb/);
});

test('a schema behind is an error (exit 1) whose fix is aipro store migrate; migrated, doctor exits 0', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const h = host(t, url);
  const before = await doctor(h);
  t.is(before.code, 1);
  t.like(before.find('fleet.schema')[0], { level: 'error', fix: 'aipro store migrate' });
  t.regex(
    before.find('fleet.schema')[0]?.summary ?? '',
    /store schema "aipro" does not exist yet in 127\.0\.0\.1:\d+\//,
  );
  const status = await runCli(['models', 'status'], { env: h.env, ...T });
  t.is(status.code, 1);
  t.regex(status.stderr, /the store schema "aipro" does not exist yet: run `aipro store migrate`/);
  t.is((await runCli(['store', 'migrate'], { env: h.env, ...T })).code, 0);
  // A credential for the default model, so nothing else is an error.
  const after = await doctor(h, [], { ANTHROPIC_API_KEY: ANTHROPIC });
  t.like(after.find('fleet.schema')[0], { level: 'ok' });
  t.is(after.code, 0, JSON.stringify(after.checks.filter((c) => c.level === 'error')));
});

test('doctor on the fleet: skew and daemon env from the database, leftover files, --fix note', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  const b = postgresBackend(createPool(url), 'aipro', parseStoreKey(KEY, 'k'));
  t.teardown(async () => {
    await b.close();
    await pool.end();
  });
  const now = Date.now();
  // Another host probed anthropic and stored a skew of +5 minutes in the shared store.
  await b.update({ id: 'main', storePath: '' }, (store) => {
    store.profiles['anthropic:work'] = { type: 'api_key', provider: 'anthropic', key: ANTHROPIC };
    store.usageStats = {
      'anthropic:work': { lastProbe: { at: now - 60_000, ok: true, reason: 'ok', clockSkewMs: 300_000 } },
    };
    return { store, result: undefined };
  });
  const h = host(t, url, { models: { default: 'anthropic/claude-sonnet-4-5' } });
  // Only in this shell, not in ~/.aipro/.env: on a file host with no stored anthropic key that is a daemon.env warning.
  const shellKey = { ANTHROPIC_API_KEY: `sk-ant-api03-${'s'.repeat(93)}AA` };
  const first = await doctor(h, [], shellKey);
  t.like(first.find('clock.skew')[0], { level: 'warn' });
  t.regex(first.find('clock.skew')[0]?.summary ?? '', /anthropic's clock is 5m ahead of the host that probed/);
  t.regex(first.find('clock.skew')[0]?.fix ?? '', /clock of every fleet host/);
  t.deepEqual(first.find('daemon.env'), [], 'the fleet store holds an anthropic key: the services have one');
  t.deepEqual(first.find('fleet.file'), []);

  // A store file from before the move, holding a profile the fleet lacks.
  h.writeStore({
    version: 1,
    profiles: { 'openai:old': { type: 'api_key', provider: 'openai', key: 'sk-proj-LEFTOVER0123456789abcdef' } },
  });
  const left = await doctor(h, ['--fix']);
  t.is(left.code, 0, 'warnings only');
  const [file] = left.find('fleet.file');
  t.like(file, { level: 'warn' });
  t.regex(file?.summary ?? '', /auth-profiles\.json \(1 profiles\) is not used .*the fleet store lacks openai:old/);
  t.regex(file?.fix ?? '', /aipro store copy --from file --to postgres/);
  t.true(left.notes.some((n) => /--fix repairs files on this host only.*never changes/.test(n)));
  const text = await runCli(['doctor', '--fix'], { env: h.env, ...T });
  t.regex(text.stdout, /Repairs:\n {2}note: --fix repairs files on this host only/);

  t.is((await runCli(['store', 'copy', '--from', 'file', '--to', 'postgres'], { env: h.env, ...T })).code, 0);
  const moved = await doctor(h);
  t.like(moved.find('fleet.file')[0], { level: 'ok' });
  t.regex(moved.find('fleet.file')[0]?.summary ?? '', /holds all of it, so it may be moved away/);
  t.false(moved.out.includes('LEFTOVER0123') || first.out.includes(ANTHROPIC) || left.out.includes(ANTHROPIC));
});

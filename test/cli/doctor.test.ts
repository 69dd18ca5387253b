/** `aipro doctor [--fix] [--json]`: findings, exit codes, and only safe repairs. */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { DAY, KEY, TOKEN, storeWith } from './support.js';

interface Check {
  id: string;
  level: 'ok' | 'warn' | 'error';
  summary: string;
  fix?: string;
  fixable?: boolean;
  agent?: string;
}
interface Doc {
  version: number;
  ok: boolean;
  errors: number;
  warnings: number;
  checks: Check[];
  repairs: { kind: string; path: string; done: boolean; detail: string }[];
}

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}
async function doctor(h: TempHome, args: string[] = [], env: Record<string, string> = h.env) {
  const r = await runCli(['doctor', '--json', ...args], { env });
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc, stderr: r.stderr };
}
const problems = (d: Doc) => d.checks.filter((c) => c.level !== 'ok' && !c.id.startsWith('systemd.'));

test('healthy setup: exit 0, no errors', async (t) => {
  const h = home(t);
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const { code, doc } = await doctor(h);
  t.deepEqual(problems(doc), []);
  // Only the host's systemd state (outside the temp home) could add an error here.
  const systemdErrors = doc.checks.filter((c) => c.id.startsWith('systemd.') && c.level === 'error').length;
  t.is(code, systemdErrors === 0 ? 0 : 1);
  t.is(doc.errors, systemdErrors);
  t.is(doc.version, 1);
  t.true(doc.checks.some((c) => c.id === 'store.parse' && c.level === 'ok'));
  const text = await runCli(['doctor'], { env: h.env });
  t.regex(text.stdout, /error\(s\), \d+ warning\(s\)/);
});

test('a bad config is reported and the doctor still checks the rest (exit 1)', async (t) => {
  const h = home(t);
  h.writeConfig({ monitor: { listen: 'nope' } });
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const { code, doc } = await doctor(h);
  t.is(code, 1);
  const cfg = doc.checks.find((c) => c.id === 'config.valid');
  t.is(cfg?.level, 'error');
  t.regex(cfg?.summary ?? '', /monitor\.listen/);
  t.true(
    doc.checks.some((c) => c.id === 'store.parse' && c.level === 'ok'),
    'stores are still checked',
  );
  h.writeConfig('{ nope');
  const unparseable = await doctor(h);
  t.is(unparseable.code, 1);
  t.regex(unparseable.doc.checks.find((c) => c.id === 'config.valid')?.summary ?? '', /not valid JSON/);
});

test('expired and expiring profiles, duplicates, env shadowing, dangling order entries', async (t) => {
  const h = home(t);
  const now = Date.now();
  h.writeStore(
    storeWith(
      {
        'anthropic:old': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now - DAY },
        'anthropic:soon': {
          type: 'token',
          provider: 'anthropic',
          token: TOKEN.replace('T', 'U'),
          expires: now + 3_600_000,
        },
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: KEY },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: KEY },
      },
      { order: { anthropic: ['anthropic:a', 'anthropic:gone'] } },
    ),
  );
  const envKey = `sk-ant-api03-${'E'.repeat(40)}`;
  const { code, doc } = await doctor(h, [], { ...h.env, ANTHROPIC_API_KEY: envKey });
  t.is(code, 1);
  const ids = problems(doc).map((c) => c.id);
  t.true(ids.includes('profile.expired'));
  t.true(ids.includes('profile.expiring'));
  t.true(ids.includes('store.duplicate'));
  t.true(ids.includes('env.shadow'));
  t.true(ids.includes('store.order'));
  const expired = doc.checks.find((c) => c.id === 'profile.expired');
  t.regex(expired?.fix ?? '', /^aipro models auth setup-token --provider anthropic --profile-id \S+ --agent main$/);
  t.false(
    JSON.stringify(doc).includes(envKey) || JSON.stringify(doc).includes(TOKEN) || JSON.stringify(doc).includes(KEY),
  );
});

test('daemon env: a key only in the interactive shell is flagged; in ~/.aipro/.env it is fine', async (t) => {
  const h = home(t);
  const env = { ...h.env, ANTHROPIC_API_KEY: KEY };
  const shellOnly = await doctor(h, [], env);
  const d = shellOnly.doc.checks.find((c) => c.id === 'daemon.env');
  t.is(d?.level, 'warn');
  t.regex(d?.summary ?? '', /only credential is ANTHROPIC_API_KEY from the process \(shell\) environment/);
  writeFileSync(join(h.stateDir, '.env'), `ANTHROPIC_API_KEY=${KEY}\n`, { mode: 0o600 });
  const withFile = await doctor(h, [], env);
  t.is(withFile.doc.checks.find((c) => c.id === 'daemon.env')?.level, 'ok');
  t.true(withFile.doc.checks.some((c) => c.id === 'env.key' && /from the process/.test(c.summary)));
  writeFileSync(join(h.stateDir, '.env'), `ANTHROPIC_API_KEY=${KEY.replace('K', 'Q')}\n`, { mode: 0o600 });
  const differs = await doctor(h, [], env);
  t.true(differs.doc.checks.some((c) => c.id === 'env.key.differs' && c.level === 'warn'));
});

test('--fix repairs modes and stale locks, never a credential', async (t) => {
  const h = home(t);
  const path = h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const before = readFileSync(path);
  chmodSync(path, 0o644);
  chmodSync(dirname(path), 0o755);
  chmodSync(h.stateDir, 0o755);
  writeFileSync(join(h.stateDir, '.env'), 'OTHER=1\n', { mode: 0o644 });
  chmodSync(join(h.stateDir, '.env'), 0o644);
  const lock = `${path}.lock`;
  mkdirSync(lock);
  const old = new Date(Date.now() - 120_000);
  utimesSync(lock, old, old);
  const fresh = join(h.stateDir, 'aipro.json.lock');
  mkdirSync(fresh);

  const found = await doctor(h);
  t.is(found.code, 1);
  const fixable = problems(found.doc)
    .filter((c) => c.fixable)
    .map((c) => c.id)
    .sort();
  t.deepEqual(fixable, ['env.file.mode', 'lock.stale', 'state.dir.mode', 'store.dir.mode', 'store.mode']);

  const fixed = await doctor(h, ['--fix']);
  t.is(fixed.code, 0, JSON.stringify(problems(fixed.doc)));
  t.true(fixed.doc.repairs.every((r) => r.done));
  t.is(statSync(path).mode & 0o777, 0o600);
  t.is(statSync(dirname(path)).mode & 0o777, 0o700);
  t.is(statSync(h.stateDir).mode & 0o777, 0o700);
  t.is(statSync(join(h.stateDir, '.env')).mode & 0o777, 0o600);
  t.false(existsSync(lock), 'stale lock removed');
  t.true(existsSync(fresh), 'a fresh lock is left alone');
  t.true(readFileSync(path).equals(before), 'the store content is untouched');
});

test('--fix restores a broken store from .bak only with consent and keeps the broken file', async (t) => {
  const h = home(t);
  const path = h.writeStore('{ "version": 1, "profiles": { broken');
  const good = JSON.stringify(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  writeFileSync(`${path}.bak`, good, { mode: 0o600 });

  const found = await doctor(h);
  const parse = found.doc.checks.find((c) => c.id === 'store.parse');
  t.like(parse, { level: 'error', fixable: true });

  const noConsent = await doctor(h, ['--fix']);
  t.is(noConsent.code, 1);
  t.like(
    noConsent.doc.repairs.find((r) => r.kind === 'restore'),
    { done: false },
  );
  t.is(readFileSync(path, 'utf8'), '{ "version": 1, "profiles": { broken');

  const yes = await doctor(h, ['--fix', '--yes']);
  t.is(yes.code, 0, JSON.stringify(problems(yes.doc)));
  t.is(readFileSync(path, 'utf8'), good);
  const aside = readdirSync(dirname(path)).filter((n) => n.includes('.corrupt-'));
  t.is(aside.length, 1);
  t.is(readFileSync(join(dirname(path), aside[0] as string), 'utf8'), '{ "version": 1, "profiles": { broken');
});

test('a broken store without a usable .bak is not fixable', async (t) => {
  const h = home(t);
  const path = h.writeStore('garbage');
  writeFileSync(`${path}.bak`, 'also garbage', { mode: 0o600 });
  const { code, doc } = await doctor(h, ['--fix', '--yes']);
  t.is(code, 1);
  t.like(
    doc.checks.find((c) => c.id === 'store.parse'),
    { level: 'error', fixable: false },
  );
  t.is(readFileSync(path, 'utf8'), 'garbage');
});

test('doctor --help has examples', async (t) => {
  const h = home(t);
  const r = await runCli(['doctor', '--help'], { env: h.env });
  t.is(r.code, 0);
  t.regex(r.stdout, /Examples:/);
});

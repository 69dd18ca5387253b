/** `aipro models status`: text, --json, --plain, --check exit codes, filters, usage errors. */
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { DAY, KEY, TOKEN, storeWith } from './support.js';

const H = 3_600_000;

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}

test('no credential: the missing-provider message, exit 0 without --check, 1 with it', async (t) => {
  const h = home(t);
  const r = await runCli(['models', 'status'], { env: h.env });
  t.is(r.code, 0);
  t.true(
    r.stdout.includes(
      'No credentials found for anthropic — run `aipro models auth setup-token --provider anthropic --agent main`, ' +
        'or set ANTHROPIC_API_KEY',
    ),
  );
  const c = await runCli(['models', 'status', '--check'], { env: h.env });
  t.is(c.code, 1);
  t.regex(c.stdout, /missing/);
});

test('--check: 0 when ok, 2 when expiring, 1 when expired; --warn-hours moves the window', async (t) => {
  const h = home(t);
  const now = Date.now();
  h.writeStore(
    storeWith({ 'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now + 30 * DAY } }),
  );
  t.is((await runCli(['models', 'status', '--check'], { env: h.env })).code, 0);

  h.writeStore(
    storeWith({ 'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now + 5 * H } }),
  );
  const exp = await runCli(['models', 'status', '--check'], { env: h.env });
  t.is(exp.code, 2);
  t.regex(exp.stdout, /anthropic:manual.*expiring/);
  t.is((await runCli(['models', 'status', '--check', '--warn-hours', '1'], { env: h.env })).code, 0);
  t.is((await runCli(['models', 'status', '--check', '--warn-hours', '6'], { env: h.env })).code, 2);

  h.writeStore(
    storeWith({
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now - H },
      'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY },
    }),
  );
  const bad = await runCli(['models', 'status', '--check'], { env: h.env });
  t.is(bad.code, 1);
  t.regex(bad.stdout, /anthropic:manual.*expired/);
  t.false(bad.stdout.includes('anthropic:default'), '--check prints only the offending profiles');
});

test('--json follows the documented schema', async (t) => {
  const h = home(t);
  const exp = Date.now() + 10 * DAY;
  h.writeStore(
    storeWith(
      {
        'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: exp },
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY },
      },
      { order: { anthropic: ['anthropic:manual', 'anthropic:default'] }, lastGood: { anthropic: 'anthropic:manual' } },
    ),
  );
  const r = await runCli(['models', 'status', '--json'], { env: h.env });
  t.is(r.code, 0);
  const doc = JSON.parse(r.stdout);
  t.is(doc.version, 1);
  t.regex(doc.generatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.is(doc.warnHours, 24);
  t.is(doc.exitCode, 0);
  t.is(doc.agents.length, 1);
  const a = doc.agents[0];
  t.like(a, {
    agent: 'main',
    storeExists: true,
    storeError: null,
    order: { anthropic: ['anthropic:manual', 'anthropic:default'] },
    lastGood: { anthropic: 'anthropic:manual' },
  });
  const tok = a.profiles.find((p: { id: string }) => p.id === 'anthropic:manual');
  t.like(tok, {
    provider: 'anthropic',
    type: 'token',
    source: 'profile',
    status: 'ok',
    expiresAtMs: exp,
    fingerprint: `sk-ant-oat01-…TTTT`,
  });
  t.regex(tok.expiresAt, /Z$/);
  t.true(tok.remainingMs > 9 * DAY);
  const key = a.profiles.find((p: { id: string }) => p.id === 'anthropic:default');
  t.like(key, { status: 'static', expiresAt: null, expiresAtMs: null, remainingMs: null });
  t.false(r.stdout.includes(TOKEN) || r.stdout.includes(KEY));
});

test('--plain prints one tab-separated line per credential', async (t) => {
  const h = home(t);
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const r = await runCli(['models', 'status', '--plain'], { env: h.env });
  t.is(r.code, 0);
  t.deepEqual(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')),
    [['main', 'anthropic:default', 'anthropic', 'api_key', 'profile', 'static', '-', 'sk-ant-api03-…KKKK']],
  );
});

test('env keys show as source env; --provider reports a provider without credential as missing', async (t) => {
  const h = home(t);
  const env = { ...h.env, ANTHROPIC_API_KEY: KEY };
  const r = await runCli(['models', 'status', '--json'], { env });
  const p = JSON.parse(r.stdout).agents[0].profiles;
  t.like(p[0], { id: 'anthropic:env', source: 'env', envVar: 'ANTHROPIC_API_KEY', status: 'static' });
  const o = await runCli(['models', 'status', '--provider', 'openai', '--check'], { env });
  t.is(o.code, 1);
  t.true(o.stdout.includes('No credentials found for openai'));
  t.false(o.stdout.includes('anthropic:env'), '--provider filters the other providers out');
});

test('--agent selects one agent; without it every agent is shown', async (t) => {
  const h = home(t);
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  h.writeStore(
    storeWith({ 'openai:default': { type: 'api_key', provider: 'openai', key: `sk-proj-${'o'.repeat(40)}` } }),
    'work',
  );
  const all = JSON.parse((await runCli(['models', 'status', '--json'], { env: h.env })).stdout);
  t.deepEqual(
    all.agents.map((a: { agent: string }) => a.agent),
    ['main', 'work'],
  );
  const work = JSON.parse((await runCli(['models', 'status', '--json', '--agent', 'work'], { env: h.env })).stdout);
  t.deepEqual(
    work.agents.map((a: { agent: string }) => a.agent),
    ['work'],
  );
  t.true(work.agents[0].profiles.some((p: { id: string }) => p.id === 'openai:default'));
});

test('usage errors exit 64, never 2', async (t) => {
  const h = home(t);
  for (const args of [['--bogus'], ['--warn-hours', 'abc'], ['--json', '--plain'], ['--agent', '../etc']]) {
    const r = await runCli(['models', 'status', '--check', ...args], { env: h.env });
    t.is(r.code, 64, args.join(' '));
  }
});

test('an unreadable store fails the check closed (exit 1) and names the fix', async (t) => {
  const h = home(t);
  h.writeStore('{ not json');
  const r = await runCli(['models', 'status', '--check'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stdout, /store unreadable: reading the auth store failed: /);
  t.regex(r.stdout, /aipro doctor/);
  // A write refused on the same store says what failed once, not "error: Error …".
  const add = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], { env: h.env, input: '' });
  t.is(add.code, 1);
  t.regex(add.stderr, /^error: adding anthropic:manual failed: .*not valid JSON/m);
  t.notRegex(add.stderr, /error: error/i);
  t.is((await runCli(['models', 'status'], { env: h.env })).code, 1);
  t.is(
    JSON.parse((await runCli(['models', 'status', '--json'], { env: h.env })).stdout).agents[0].storeError.reason,
    'parse',
  );
});

test('--help has examples', async (t) => {
  const h = home(t);
  const r = await runCli(['models', 'status', '--help'], { env: h.env });
  t.is(r.code, 0);
  t.regex(r.stdout, /Examples:/);
});

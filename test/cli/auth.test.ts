/** `aipro models auth paste-token|setup-token|add-key|list|remove|order`: results, errors, exit codes. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, TOKEN, readJson, storeWith } from './support.js';

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}

const config = (h: ReturnType<typeof tempHome>) =>
  readJson<{ auth?: { profiles?: Record<string, unknown> } }>(`${h.stateDir}/aipro.json`);

test('paste-token reads stdin, strips whitespace and line breaks, stores 0600 and declares it in config', async (t) => {
  const h = home(t);
  const pasted = `  ${TOKEN.slice(0, 40)}\n${TOKEN.slice(40, 70)}\r\n ${TOKEN.slice(70)}  \n`;
  const r = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], { env: h.env, input: pasted });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Saved anthropic:manual \(token, sk-ant-oat01-…TTTT, expires \d{4}-/);
  t.regex(r.stderr, /recorded the documented 365d lifetime/);
  const s = readJson(h.storePath());
  t.like(s.profiles['anthropic:manual'], { type: 'token', provider: 'anthropic', token: TOKEN });
  t.true(
    Math.abs((s.profiles['anthropic:manual']?.expires ?? 0) - (Date.now() + 365 * 86_400_000)) < 3_600_000,
    'one-year lifetime',
  );
  t.is(statSync(h.storePath()).mode & 0o777, 0o600);
  t.deepEqual(config(h).auth?.profiles, { 'anthropic:manual': { provider: 'anthropic', mode: 'token' } });
  t.is(statSync(`${h.stateDir}/aipro.json`).mode & 0o777, 0o600);
  t.false(r.stdout.includes(TOKEN) || r.stderr.includes(TOKEN));
});

test('paste-token --expires-in records the expiry; --json reports it', async (t) => {
  const h = home(t);
  const before = Date.now();
  const r = await runCli(
    [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'anthropic',
      '--expires-in',
      '12h',
      '--profile-id',
      'anthropic:work',
      '--json',
    ],
    { env: h.env, input: TOKEN },
  );
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.like(doc, { ok: true, profileId: 'anthropic:work', type: 'token', replaced: false, configUpdated: true });
  const exp = readJson(h.storePath()).profiles['anthropic:work']?.expires as number;
  t.true(exp >= before + 12 * 3_600_000 && exp <= Date.now() + 12 * 3_600_000);
  t.is(doc.expiresAtMs, exp);
});

test('paste-token refuses a malformed token with the reason; the store stays untouched', async (t) => {
  const h = home(t);
  const path = h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const before = readFileSync(path);
  const cases: [string, RegExp][] = [
    ['sk-ant-oat01-short', /at least 80 characters; this one is 18/],
    ['', /empty/],
    ['   \n\n', /empty/],
  ];
  for (const [input, why] of cases) {
    const r = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], { env: h.env, input });
    t.is(r.code, 1, input);
    t.regex(r.stderr, why);
    t.regex(r.stderr, /Nothing was stored/);
    t.regex(r.stderr, /aipro models auth paste-token --provider anthropic/);
    t.deepEqual(readFileSync(path), before);
  }
  t.false(existsSync(`${h.stateDir}/aipro.json`), 'config not written either');
});

test('paste-token for any provider; providers without tokens point elsewhere (exit 64)', async (t) => {
  const h = home(t);
  t.is(
    (
      await runCli(['models', 'auth', 'paste-token', '--provider', 'openrouter'], {
        env: h.env,
        input: `sk-or-v1-${'r'.repeat(40)}`,
      })
    ).code,
    0,
  );
  t.is(
    (
      await runCli(['models', 'auth', 'paste-token', '--provider', 'acme-llm'], {
        env: h.env,
        input: 'acme-token-123456',
      })
    ).code,
    0,
  );
  const s = readJson(h.storePath());
  t.truthy(s.profiles['openrouter:manual']);
  t.like(s.profiles['acme-llm:manual'], { provider: 'acme-llm', type: 'token' });
  const g = await runCli(['models', 'auth', 'paste-token', '--provider', 'google'], { env: h.env, input: 'x' });
  t.is(g.code, 64);
  t.regex(g.stderr, /aipro models auth add-key --provider google/);
  const c = await runCli(['models', 'auth', 'paste-token', '--provider', 'openai-codex'], { env: h.env, input: 'x' });
  t.is(c.code, 64);
  t.regex(c.stderr, /auth login --provider openai-codex/);
});

test('usage errors exit 64 before any secret is read', async (t) => {
  const h = home(t);
  const cases = [
    ['models', 'auth', 'paste-token'],
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', 'soon'],
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'openai:x'],
    ['models', 'auth', 'paste-token', '--provider', 'Bad Provider'],
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--agent', '../x'],
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--token', 'abc'],
    ['models', 'auth', 'add-key', '--provider', 'anthropic', '--expires-in', '1d'],
    ['models', 'auth', 'setup-token', '--provider', 'openai'],
    ['models', 'auth', 'order', 'set', '--provider', 'anthropic'],
    ['models', 'auth', 'remove'],
  ];
  for (const args of cases) {
    const r = await runCli(args, { env: h.env, input: TOKEN });
    t.is(r.code, 64, args.join(' '));
  }
  t.false(existsSync(h.storePath()));
});

test('paste-token --agent writes that agent and leaves the config alone', async (t) => {
  const h = home(t);
  const r = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--agent', 'work'], {
    env: h.env,
    input: TOKEN,
  });
  t.is(r.code, 0, r.stderr);
  t.truthy(readJson(h.storePath('work')).profiles['anthropic:manual']);
  t.false(existsSync(h.storePath('main')));
  t.false(existsSync(`${h.stateDir}/aipro.json`));
});

test('setup-token without a terminal points to paste-token (exit 1)', async (t) => {
  const h = home(t);
  const r = await runCli(['models', 'auth', 'setup-token', '--provider', 'anthropic'], { env: h.env, input: TOKEN });
  t.is(r.code, 1);
  t.regex(r.stderr, /needs an interactive terminal/);
  t.regex(r.stderr, /aipro models auth paste-token --provider anthropic/);
  t.false(existsSync(h.storePath()));
});

test('add-key stores an API key as <provider>:default with mode api_key; a bad key is refused', async (t) => {
  const h = home(t);
  const r = await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic'], { env: h.env, input: `${KEY}\n` });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(readJson(h.storePath()).profiles['anthropic:default'], {
    type: 'api_key',
    provider: 'anthropic',
    key: KEY,
  });
  t.deepEqual(config(h).auth?.profiles, { 'anthropic:default': { provider: 'anthropic', mode: 'api_key' } });
  const again = await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic'], {
    env: h.env,
    input: `sk-ant-api03-${'Z'.repeat(40)}`,
  });
  t.regex(again.stdout, /Replaced anthropic:default/);
  const bad = await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic'], {
    env: h.env,
    input: 'not-a-key',
  });
  t.is(bad.code, 1);
  t.regex(bad.stderr, /starts with sk-ant-/);
  t.is(readJson(h.storePath()).profiles['anthropic:default']?.key, `sk-ant-api03-${'Z'.repeat(40)}`);
});

test('list shows ids, types, fingerprints and expiry, never secrets', async (t) => {
  const h = home(t);
  h.writeStore(
    storeWith(
      {
        'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: 4102444800000 },
        'anthropic:ref': { type: 'api_key', provider: 'anthropic', keyRef: { source: 'env', id: 'MY_KEY' } },
      },
      { order: { anthropic: ['anthropic:manual'] } },
    ),
  );
  const r = await runCli(['models', 'auth', 'list'], { env: h.env });
  t.is(r.code, 0);
  t.regex(r.stdout, /anthropic:manual\s+anthropic\s+token\s+sk-ant-oat01-…TTTT\s+inline\s+2100-01-01T00:00:00Z/);
  t.regex(r.stdout, /anthropic:ref .*env var MY_KEY is not set.*ref env:MY_KEY/);
  t.regex(r.stdout, /order anthropic: anthropic:manual/);
  const j = JSON.parse((await runCli(['models', 'auth', 'list', '--json'], { env: { ...h.env, MY_KEY: KEY } })).stdout);
  t.like(j.profiles[1], { id: 'anthropic:ref', fingerprint: 'sk-ant-api03-…KKKK', secretRef: 'env:MY_KEY' });
  t.false(JSON.stringify(j).includes(TOKEN) || JSON.stringify(j).includes(KEY));
});

test('remove drops the profile from store, order, lastGood, usageStats and config', async (t) => {
  const h = home(t);
  await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], { env: h.env, input: TOKEN });
  await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic'], { env: h.env, input: KEY });
  const s = readJson(h.storePath());
  h.writeStore({
    ...s,
    order: { anthropic: ['anthropic:manual', 'anthropic:default'] },
    lastGood: { anthropic: 'anthropic:manual' },
    usageStats: { 'anthropic:manual': { errorCount: 1 } },
  });
  const r = await runCli(['models', 'auth', 'remove', 'anthropic:manual'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  const after = readJson(h.storePath());
  t.deepEqual(Object.keys(after.profiles), ['anthropic:default']);
  t.deepEqual(after.order, { anthropic: ['anthropic:default'] });
  t.is(after.lastGood, undefined);
  t.is(after.usageStats, undefined);
  t.deepEqual(config(h).auth?.profiles, { 'anthropic:default': { provider: 'anthropic', mode: 'api_key' } });
  const missing = await runCli(['models', 'auth', 'remove', 'anthropic:nope'], { env: h.env });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no profile "anthropic:nope".*aipro models auth list/);
});

test('order get|set|clear live in the agent store; set validates ids', async (t) => {
  const h = home(t);
  h.writeStore(
    storeWith({
      'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY },
      'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY.replace('K', 'L') },
      'openai:default': { type: 'api_key', provider: 'openai', key: `sk-proj-${'o'.repeat(40)}` },
    }),
  );
  const none = await runCli(['models', 'auth', 'order', 'get', '--provider', 'anthropic'], { env: h.env });
  t.regex(none.stdout, /No stored order for anthropic/);
  const set = await runCli(
    ['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:work', 'anthropic:default'],
    { env: h.env },
  );
  t.is(set.code, 0, set.stderr);
  t.deepEqual(readJson(h.storePath()).order, { anthropic: ['anthropic:work', 'anthropic:default'] });
  t.is(
    (await runCli(['models', 'auth', 'order', 'get', '--provider', 'anthropic'], { env: h.env })).stdout,
    'anthropic:work\nanthropic:default\n',
  );
  const j = JSON.parse(
    (await runCli(['models', 'auth', 'order', 'get', '--provider', 'anthropic', '--json'], { env: h.env })).stdout,
  );
  t.deepEqual(j, {
    agent: 'main',
    provider: 'anthropic',
    order: ['anthropic:work', 'anthropic:default'],
    configOrder: null,
  });

  const before = readFileSync(h.storePath());
  for (const [ids, why] of [
    [['anthropic:nope'], /no profile "anthropic:nope"/],
    [['openai:default'], /belongs to openai, not anthropic/],
    [['anthropic:work', 'anthropic:work'], /listed twice/],
  ] as const) {
    const r = await runCli(['models', 'auth', 'order', 'set', '--provider', 'anthropic', ...ids], { env: h.env });
    t.is(r.code, 1);
    t.regex(r.stderr, why);
    t.deepEqual(readFileSync(h.storePath()), before);
  }
  const clear = await runCli(['models', 'auth', 'order', 'clear', '--provider', 'anthropic'], { env: h.env });
  t.is(clear.code, 0);
  t.is(readJson(h.storePath()).order, undefined);
  t.regex(
    (await runCli(['models', 'auth', 'order', 'clear', '--provider', 'anthropic'], { env: h.env })).stdout,
    /nothing changed/,
  );
});

test('order --agent targets that agent only', async (t) => {
  const h = home(t);
  h.writeStore(storeWith({ 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } }), 'ops');
  const r = await runCli(
    ['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:work', '--agent', 'ops'],
    { env: h.env },
  );
  t.is(r.code, 0, r.stderr);
  t.deepEqual(readJson(h.storePath('ops')).order, { anthropic: ['anthropic:work'] });
  t.false(existsSync(h.storePath('main')));
  t.is(
    (await runCli(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:work'], { env: h.env }))
      .code,
    1,
    'not in the main store',
  );
});

test('every auth command has --help with examples', async (t) => {
  const h = home(t);
  for (const cmd of [
    ['paste-token'],
    ['setup-token'],
    ['add-key'],
    ['list'],
    ['remove'],
    ['order'],
    ['order', 'get'],
    ['order', 'set'],
    ['order', 'clear'],
    ['import', 'openclaw'],
  ]) {
    const r = await runCli(['models', 'auth', ...cmd, '--help'], { env: h.env });
    t.is(r.code, 0, cmd.join(' '));
    t.regex(r.stdout, /Examples:/, cmd.join(' '));
  }
});

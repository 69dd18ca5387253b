/**
 * What a new operator meets on the documented paths: every message names a command that
 * works from where they are, says each thing once, and fits an 80-column terminal.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, plainText, skipIfNoPty, storeWith, underPty } from './support.js';
import { joinRe } from '../helpers/re.js';

test(
  'an unparsable store with no .bak points to re-adding the credentials, not to a restore that cannot ' + 'happen',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore('{bad');
    const r = await runCli(['models', 'status'], { env: h.env });
    t.is(r.code, 1);
    const out = r.stdout + r.stderr;
    t.notRegex(out, /can restore/);
    t.regex(out, /no usable \.bak/);
    t.regex(out, /aipro doctor/);
    t.regex(out, /aipro models auth add-key/);

    // With a good previous copy the restore is the next step, and it is named.
    writeFileSync(
      `${path}.bak`,
      JSON.stringify(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } })),
      { mode: 0o600 },
    );
    const withBak = await runCli(['models', 'status'], { env: h.env });
    t.is(withBak.code, 1);
    t.regex(withBak.stdout + withBak.stderr, /aipro doctor --fix` can restore .*auth-profiles\.json\.bak/);
  },
);

test('a token without expiry: status says "expiry unknown" once and the fix records a lifetime', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith({
      'openrouter:manual': { type: 'token', provider: 'openrouter', token: 'sk-or-v1-abcdefghijklmnop1234' },
    }),
  );
  const r = await runCli(['models', 'status'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('  openrouter:manual:')) ?? '';
  t.is((line.match(/no alert (?:will|can) warn/g) ?? []).length, 1, line);
  t.regex(
    line,
    joinRe(
      '',
      /fix: .*aipro models auth paste-token /,
      /--provider openrouter --profile-id openrouter:manual --agent main --expires-in /,
    ),
  );
});

test('paste-token names the provider with the right article', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['models', 'auth', 'paste-token', '--provider', 'anthropic'], {
    env: h.env,
    input: `sk-ant-oat01-${'T'.repeat(90)}\n`,
  });
  t.is(r.code, 0, r.stderr);
  t.false(/\ba anthropic\b/.test(r.stderr), r.stderr);
});

test('`models auth order get` without a stored order fits 80 columns on a terminal', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await underPty(['models', 'auth', 'order', 'get', '--provider', 'anthropic'], h.env, [], { cols: 80 });
  t.is(r.code, 0, r.out);
  const lines = plainText(r.out).split('\n');
  t.deepEqual(
    lines.filter((l) => l.length > 80),
    [],
  );
  t.regex(plainText(r.out), /No stored order for anthropic/);
});

test('a usage error names --help', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['models', 'auth', 'order', 'get'], { env: h.env });
  t.is(r.code, 64);
  t.regex(r.stderr, /--provider/);
  t.regex(r.stderr, /aipro models auth order get --help/);
});

test('`models auth list` shows a token without expiry as unknown, like `models status`', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith({
      'openrouter:manual': { type: 'token', provider: 'openrouter', token: 'sk-or-v1-abcdefghijklmnop1234' },
      'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY },
    }),
  );
  const r = await runCli(['models', 'auth', 'list'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  const row = (id: string) => (r.stdout.split('\n').find((l) => l.trim().startsWith(id)) ?? '').trim().split(/\s+/);
  t.is(row('openrouter:manual').at(-1), 'unknown', r.stdout);
  t.is(row('anthropic:default').at(-1), '-', r.stdout);
});

test('doctor: the fix for a token without expiry records a lifetime', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith({
      'openrouter:manual': { type: 'token', provider: 'openrouter', token: 'sk-or-v1-abcdefghijklmnop1234' },
    }),
  );
  const r = await runCli(['doctor', '--json'], { env: h.env });
  const doc = JSON.parse(r.stdout) as { checks: { id: string; fix?: string }[] };
  const check = doc.checks.find((c) => c.id === 'profile.expiry_unknown');
  t.regex(
    check?.fix ?? '',
    /aipro models auth paste-token --provider openrouter --profile-id openrouter:manual --agent main --expires-in /,
  );
});

test('`models status --provider P` shows only P, also in the order and lastGood lines', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith(
      { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } },
      { order: { anthropic: ['anthropic:default'] }, lastGood: { anthropic: 'anthropic:default' } },
    ),
  );
  const r = await runCli(['models', 'status', '--provider', 'openai'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  t.notRegex(r.stdout, /anthropic/);
  const all = await runCli(['models', 'status'], { env: h.env });
  t.regex(all.stdout, /order anthropic: anthropic:default/);
  t.regex(all.stdout, /lastGood anthropic: anthropic:default/);
});

test('monitor --listen on an address this host does not have says so, not "another monitor is running"', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  // 192.0.2.0/24 is TEST-NET-1: never assigned to a host.
  const r = await runCli(['monitor', '--listen', '192.0.2.1:18790'], { env: h.env, timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /EADDRNOTAVAIL/);
  t.notRegex(r.stderr, /another aipro monitor/);
  t.regex(r.stderr, /not on this host/);
});

test(
  'a config file that is not JSON: the fix is by hand, not `config set KEY VALUE` or `config unset ' + '(file)`',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    h.writeConfig('not json');
    const r = await runCli(['models', 'status'], { env: h.env });
    t.is(r.code, 1);
    t.notRegex(r.stderr, /config (?:un)?set/);
    t.notRegex(r.stderr, /\(file\)/);
    t.regex(r.stderr, /editor or move it aside/);
    t.regex(r.stderr, /aipro config validate/);
  },
);

test('doctor on a config file that is not JSON: the fix is by hand', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig('not json');
  const r = await runCli(['doctor', '--json'], { env: h.env });
  t.is(r.code, 1);
  const doc = JSON.parse(r.stdout) as { checks: { id: string; fix?: string }[] };
  const fix = doc.checks.find((c) => c.id === 'config.valid')?.fix ?? '';
  t.notRegex(fix, /\(file\)/);
  t.regex(fix, /by hand or move it aside/);
});

/**
 * Paths that used to answer "all well" when aipro could not know: filters matching nothing,
 * tokens that can never alert, config declarations judged against the wrong agent.
 */
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { DAY, KEY, TOKEN, storeWith } from './support.js';

function home(t: { teardown(fn: () => void): void }) {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}

test('--profile, --agent and --provider that match nothing are usage errors naming what exists', async (t) => {
  const h = home(t);
  h.writeStore(storeWith({ 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const profile = await runCli(['models', 'status', '--check', '--profile', 'anthropic:typo'], { env: h.env });
  t.is(profile.code, 64);
  t.regex(profile.stderr, /--profile anthropic:typo: no such profile; profiles: anthropic:work/);
  t.false(profile.stdout.includes('all credentials ok'));
  const agent = await runCli(['models', 'status', '--check', '--agent', 'nope'], { env: h.env });
  t.is(agent.code, 64);
  t.regex(agent.stderr, /--agent nope: no such agent; agents: main/);
  const provider = await runCli(['models', 'status', '--check', '--provider', 'anthropc', '--json'], { env: h.env });
  t.is(provider.code, 64);
  t.regex(provider.stderr, /--provider anthropc: .*providers with credentials: anthropic/);
  // A known provider with no credential is a real verdict: missing, exit 1.
  const missing = await runCli(['models', 'status', '--check', '--provider', 'openai'], { env: h.env });
  t.is(missing.code, 1);
  t.regex(missing.stdout, /missing/);
  t.is((await runCli(['models', 'status', '--check', '--profile', 'anthropic:work'], { env: h.env })).code, 0);
});

test('paste-token without --expires-in warns; status shows expiry unknown; doctor reports it', async (t) => {
  const h = home(t);
  const secret = `sk-or-v1-${'a'.repeat(64)}`;
  const r = await runCli(['models', 'auth', 'paste-token', '--provider', 'openrouter'], { env: h.env, input: secret });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /warning: no expiry recorded for openrouter:manual: status shows "expiry unknown"/);
  t.regex(r.stderr, /--expires-in/);
  t.false(r.stderr.includes(secret));
  const status = await runCli(['models', 'status'], { env: h.env });
  t.regex(status.stdout, /openrouter:manual .*static +expiry unknown/);
  const json = JSON.parse((await runCli(['models', 'status', '--json'], { env: h.env })).stdout) as {
    agents: { profiles: { id: string; expiryKnown: boolean }[] }[];
  };
  t.is(json.agents[0]?.profiles.find((p) => p.id === 'openrouter:manual')?.expiryKnown, false);
  const doc = JSON.parse((await runCli(['doctor', '--json'], { env: h.env })).stdout) as {
    checks: { id: string; summary: string; fix?: string }[];
  };
  const finding = doc.checks.find((c) => c.id === 'profile.expiry_unknown');
  t.truthy(finding, 'doctor reports the token with unknown expiry');
  t.regex(finding?.summary ?? '', /openrouter:manual/);
  t.regex(finding?.fix ?? '', /--profile-id openrouter:manual --agent main/);
  // With --expires-in, nothing to warn about.
  const timed = await runCli(
    [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'openrouter',
      '--profile-id',
      'openrouter:t',
      '--expires-in',
      '30d',
    ],
    { env: h.env, input: secret },
  );
  t.false(timed.stderr.includes('warning'));
});

test('config auth.profiles describe the default agent only: never a false missing for another agent', async (t) => {
  const h = home(t);
  // Declared when `main` was the default; then onboarding made `gw` the default with an API key.
  h.writeConfig({
    agents: { default: 'gw' },
    auth: { profiles: { 'anthropic:manual': { provider: 'anthropic', mode: 'token' } } },
  });
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }), 'gw');
  h.writeStore(
    storeWith({
      'anthropic:work': { type: 'token', provider: 'anthropic', token: TOKEN, expires: Date.now() + 60 * DAY },
    }),
    'ops',
  );
  const r = await runCli(['models', 'status', '--check'], { env: h.env });
  t.false(/missing/.test(r.stdout), r.stdout);
  t.is(r.code, 0, r.stdout);
  // A provider with no credential at all in the default agent is still missing.
  h.writeStore(storeWith({}), 'gw');
  const gone = await runCli(['models', 'status', '--check', '--agent', 'gw', '--json'], { env: h.env });
  t.is(gone.code, 1);
  const doc = readJsonText(gone.stdout);
  t.deepEqual(
    doc.agents[0]?.profiles.map((p) => [p.id, p.status]),
    [['anthropic:manual', 'missing']],
  );
});

function readJsonText(text: string) {
  return JSON.parse(text) as { agents: { profiles: { id: string; status: string }[] }[] };
}

test('auth list shows malformed profiles with their reason and never throws on an out-of-range expiry', async (t) => {
  const h = home(t);
  h.writeStore(
    storeWith({
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: 8_640_000_000_000_001 },
      'anthropic:passkey': { type: 'passkey', provider: 'anthropic' },
    }),
  );
  const text = await runCli(['models', 'auth', 'list'], { env: h.env });
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /anthropic:passkey .*unsupported credential type "passkey"/);
  const json = await runCli(['models', 'auth', 'list', '--json'], { env: h.env });
  t.is(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as {
    profiles: { id: string; expiresAt: string | null; secretProblem: string | null }[];
  };
  t.deepEqual(
    doc.profiles.map((p) => [p.id, p.expiresAt, p.secretProblem]),
    [
      ['anthropic:manual', null, null],
      ['anthropic:passkey', null, 'unsupported credential type "passkey"'],
    ],
  );
});

test('a store of another version fails every check: models status and monitor --once exit 1', async (t) => {
  const h = home(t);
  h.writeStore({ version: 2, profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } } });
  const status = await runCli(['models', 'status', '--check', '--json'], { env: h.env });
  t.is(status.code, 1);
  t.is(
    (JSON.parse(status.stdout) as { agents: { storeError: { reason: string } | null }[] }).agents[0]?.storeError
      ?.reason,
    'version',
  );
  const once = await runCli(['monitor', '--once'], { env: h.env, timeoutMs: 90_000 });
  t.is(once.code, 1, once.stdout + once.stderr);
  t.regex(once.stdout + once.stderr, /unsupported store version 2/);
});

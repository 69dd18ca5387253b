/** `aipro models auth import openclaw`: byte-for-byte copies, per-agent report, conflicts, --force. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { FIXTURES } from './support.js';

function openclaw(h: TempHome, agents: Record<string, string>): string {
  const dir = join(h.home, '.openclaw');
  for (const [id, fixture] of Object.entries(agents)) {
    mkdirSync(join(dir, 'agents', id, 'agent'), { recursive: true });
    copyFileSync(join(FIXTURES, fixture), join(dir, 'agents', id, 'agent', 'auth-profiles.json'));
  }
  return dir;
}

test('imports every agent unchanged; models status reads the imported store', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  openclaw(h, { main: 'openclaw-main.json', work: 'openclaw-main.json' });
  const src = readFileSync(join(FIXTURES, 'openclaw-main.json'));
  const r = await runCli(['models', 'auth', 'import', 'openclaw'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /agent main: imported \(3 profiles\)/);
  t.regex(r.stdout, /agent work: imported \(3 profiles\)/);
  for (const agent of ['main', 'work']) {
    t.true(readFileSync(h.storePath(agent)).equals(src), `${agent}: same bytes`);
    t.is(statSync(h.storePath(agent)).mode & 0o777, 0o600);
  }
  const status = JSON.parse((await runCli(['models', 'status', '--json', '--agent', 'main'], { env: h.env })).stdout);
  const ids = status.agents[0].profiles.map((p: { id: string }) => p.id).sort();
  t.deepEqual(ids, ['anthropic:default', 'anthropic:manual', 'openai-codex:me@example.com']);
  t.deepEqual(status.agents[0].order, { anthropic: ['anthropic:manual', 'anthropic:default'] });
  // A second import finds identical stores.
  const again = await runCli(['models', 'auth', 'import', 'openclaw', '--json'], { env: h.env });
  t.is(again.code, 0);
  t.deepEqual(
    JSON.parse(again.stdout).agents.map((a: { result: string }) => a.result),
    ['identical', 'identical'],
  );
  t.false(again.stdout.includes('FIXTUREFIXTURE'), 'no secret in the report');
});

test('a different existing store is kept unless --force (then saved as .bak)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  openclaw(h, { main: 'openclaw-main.json' });
  const mine = h.writeStore({ version: 1, profiles: {} });
  const before = readFileSync(mine);
  const r = await runCli(['models', 'auth', 'import', 'openclaw'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stdout, /different content exists; re-run with --force/);
  t.true(readFileSync(mine).equals(before));
  const f = await runCli(['models', 'auth', 'import', 'openclaw', '--force'], { env: h.env });
  t.is(f.code, 0, f.stderr);
  t.true(readFileSync(mine).equals(readFileSync(join(FIXTURES, 'openclaw-main.json'))));
  t.true(readFileSync(`${mine}.bak`).equals(before));
});

test('invalid source stores are reported and skipped; valid ones still import', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const dir = openclaw(h, { main: 'openclaw-main.json', broken: 'wrong-version.json' });
  const r = await runCli(['models', 'auth', 'import', 'openclaw', '--from', dir, '--json'], { env: h.env });
  t.is(r.code, 1);
  const doc = JSON.parse(r.stdout);
  t.like(
    doc.agents.find((a: { agent: string }) => a.agent === 'broken'),
    { result: 'invalid' },
  );
  t.like(
    doc.agents.find((a: { agent: string }) => a.agent === 'main'),
    { result: 'imported' },
  );
  t.false(existsSync(h.storePath('broken')));
});

test('an unparseable aipro store is never overwritten, even with --force', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  openclaw(h, { main: 'openclaw-main.json' });
  const mine = h.writeStore('{ broken');
  const r = await runCli(['models', 'auth', 'import', 'openclaw', '--force'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stdout, /does not parse/);
  t.is(readFileSync(mine, 'utf8'), '{ broken');
});

test('no OpenClaw dir: a clear error (exit 1)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['models', 'auth', 'import', 'openclaw', '--from', join(h.home, 'nowhere')], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /no stores found at .*nowhere\/agents\/\*\/agent\/auth-profiles.json/);
});

/**
 * The two Anthropic secrets in the wrong command: add-key refuses a setup-token and
 * paste-token an API key, each naming the command that stores it, never echoing it.
 */
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, TOKEN, storeWith } from './support.js';

const CASES = [
  {
    cmd: 'add-key',
    secret: TOKEN,
    is: /this is an Anthropic setup-token \(sk-ant-oat01-…\), not an API key/,
    use: 'aipro models auth paste-token --provider anthropic',
  },
  {
    cmd: 'paste-token',
    secret: KEY,
    is: /this is an Anthropic API key \(sk-ant-api…\), not a setup-token/,
    use: 'aipro models auth add-key --provider anthropic',
  },
];

for (const c of CASES) {
  test(`${c.cmd} refuses the other kind of Anthropic secret and names \`${c.use}\``, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const r = await runCli(['models', 'auth', c.cmd, '--provider', 'anthropic'], {
      env: h.env,
      input: `${c.secret}\n`,
    });
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, c.is);
    t.regex(r.stderr, /Nothing was stored/);
    t.true(r.stderr.includes(`\`${c.use}\``), r.stderr);
    t.false((r.stdout + r.stderr).includes(c.secret.slice(13, 30)), 'the secret is not echoed');
    t.false(existsSync(h.storePath()));
    t.false(existsSync(`${h.stateDir}/aipro.json`));
  });
}

test('the suggested command keeps --profile-id and --agent; an existing store is untouched', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(
    storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }),
    'work',
  );
  const before = readFileSync(path);
  const r = await runCli(
    ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', 'anthropic:sub', '--agent', 'work'],
    { env: h.env, input: TOKEN },
  );
  t.is(r.code, 1);
  t.true(
    r.stderr.includes('`aipro models auth paste-token --provider anthropic --profile-id anthropic:sub --agent work`'),
    r.stderr,
  );
  t.deepEqual(readFileSync(path), before);
});

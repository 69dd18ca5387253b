/**
 * `models auth login --no-browser`: a pasted code without its state is refused with what to
 * paste instead (the code is never echoed); the login goes on waiting for the right paste.
 */
import test from 'ava';
import { pasteProblem } from '../../src/cli/models-oauth-actions.js';
import { startCli, type LiveCli } from '../helpers/cli.js';
import { startOAuthServer } from '../helpers/oauth-server.js';
import { tempHome } from '../helpers/tmp.js';
import { oauthConfigRaw } from '../oauth/helpers.js';

/** Start a login in-process; `url` resolves with the authorization URL it prints. */
function startLogin(args: string[], env: Record<string, string>): LiveCli & { url: Promise<string> } {
  const cli = startCli(args, { env });
  const url = cli
    .said(/^\s+http\S+$/m)
    .then((stderr) => (/^\s+(http\S+)$/m.exec(stderr) as RegExpExecArray)[1] as string);
  return { ...cli, url };
}

test('pasteProblem: a bare code is refused; code#state, a URL and blank lines pass', (t) => {
  t.regex(pasteProblem('abc123', 'paste') ?? '', /code#state/);
  t.regex(pasteProblem(' abc123 \n', 'loopback') ?? '', /whole URL the browser ended on/);
  t.false((pasteProblem('secret-code-123', 'paste') ?? '').includes('secret-code-123'), 'never echoes the code');
  t.is(pasteProblem('abc#st', 'paste'), null);
  t.is(pasteProblem('http://127.0.0.1:1/auth/callback?code=c&state=s', 'loopback'), null);
  t.is(pasteProblem('   ', 'paste'), null);
});

test('loopback flow: a bare code is refused, then the whole redirect URL logs in', async (t) => {
  const server = await startOAuthServer();
  const h = tempHome();
  t.teardown(async () => {
    await server.close();
    h.cleanup();
  });
  h.writeConfig(oauthConfigRaw(server));
  const cli = startLogin(
    [
      'models',
      'auth',
      'login',
      '--provider',
      'openai-codex',
      '--no-browser',
      '--profile-id',
      'openai-codex:work',
      '--json',
    ],
    h.env,
  );
  const final = await server.authorize(await cli.url, { account: 'ops' });
  const code = new URL(final).searchParams.get('code') as string;
  cli.write(`${code}\n`);
  await cli.said(/That is only the code, without its state\. Paste the whole URL the browser ended on/);
  cli.write(`${final}\n`);
  const out = await cli.done;
  t.is(out.code, 0, out.stderr);
  t.like(JSON.parse(out.stdout), { profileId: 'openai-codex:work' });
  t.false((out.stdout + out.stderr).includes(code), 'the code is never echoed');
});

test('paste flow (Anthropic): a code without #state is refused with what to paste', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const cli = startLogin(['models', 'auth', 'login', '--provider', 'anthropic', '--no-browser'], h.env);
  await cli.url;
  cli.write('only-the-code-part\n');
  await cli.said(/without its #state part\. Paste everything the page shows \(code#state, one line\)/);
  cli.end();
  const out = await cli.done;
  t.is(out.code, 1, out.stderr);
  t.regex(out.stderr, /no code was pasted/);
  t.false(out.stderr.includes('only-the-code-part'));
});

/**
 * `models auth setup-token` on a real terminal: a pseudo-terminal from util-linux
 * `script`, a stand-in `claude` on PATH, and the token typed at the hidden prompt.
 * Skips when `script` is missing (unless AIPRO_REQUIRE_INTEGRATION=1).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { tempHome } from '../helpers/tmp.js';
import { TOKEN, plainText, readJson, skipIfNoPty, underPty } from './support.js';

test('setup-token runs `claude setup-token`, then stores the token typed at the hidden prompt', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const bin = join(h.home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\necho "stand-in claude ran: $*" > "${join(h.home, 'claude-ran')}"\n`);
  chmodSync(join(bin, 'claude'), 0o755);
  const env = { ...h.env, PATH: `${bin}:${h.env.PATH ?? '/usr/bin:/bin'}` };
  const r = await underPty(['models', 'auth', 'setup-token', '--provider', 'anthropic'], env, [
    [/Paste the Anthropic setup-token/, `${TOKEN}\r`],
  ]);
  t.is(r.code, 0, r.out);
  t.true(existsSync(join(h.home, 'claude-ran')), 'claude setup-token was run');
  t.like(readJson(h.storePath()).profiles['anthropic:manual'], { type: 'token', token: TOKEN });
  t.false(r.out.includes(TOKEN), 'the token is not echoed');
  t.regex(r.out, /Saved anthropic:manual/);
});

test('setup-token on a terminal without `claude` on PATH points to paste-token', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const empty = join(h.home, 'empty-bin');
  mkdirSync(empty);
  const r = await underPty(
    ['models', 'auth', 'setup-token', '--provider', 'anthropic'],
    { ...h.env, PATH: `${empty}:/usr/bin:/bin` },
    [],
  );
  if (spawnSync('sh', ['-c', 'PATH=/usr/bin:/bin command -v claude'], { stdio: 'ignore' }).status === 0) {
    t.log('a real `claude` is on /usr/bin or /bin; skipping the not-found case');
    return t.pass();
  }
  t.is(r.code, 1, r.out);
  // On a terminal the error wraps to its width: read it as one line.
  const flat = plainText(r.out).replace(/\s+/g, ' ');
  t.regex(flat, /`claude` is not on PATH/);
  t.regex(flat, /aipro models auth paste-token --provider anthropic/);
  t.false(existsSync(h.storePath()));
});

/**
 * Ctrl-C at any prompt (the onboard wizard, a hidden secret prompt) ends the command with
 * exit 130 and one line: no stack trace, no "please report this", nothing stored.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import { tempHome } from '../helpers/tmp.js';
import { plainText, skipIfNoPty, underPty } from './support.js';

function assertOneLineAbort(
  t: {
    is(a: unknown, b: unknown, m?: string): void;
    regex(s: string, r: RegExp, m?: string): void;
    false(v: boolean, m?: string): void;
  },
  r: { code: number | null; out: string },
) {
  t.is(r.code, 130, r.out);
  const out = plainText(r.out);
  t.regex(out, /^aborted \(Ctrl-C\); nothing more was changed$/m);
  t.false(/please report|ExitPromptError|\n\s+at /i.test(out), `no crash report:\n${out}`);
}

test('Ctrl-C in the onboard wizard exits 130 with one line', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await underPty(['onboard'], h.env, [[/Which model provider\?/, '\u0003']]);
  assertOneLineAbort(t, r);
  t.false(existsSync(h.storePath()), 'nothing stored');
});

test('Ctrl-C at the hidden secret prompt of add-key exits 130 with one line', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await underPty(['models', 'auth', 'add-key', '--provider', 'anthropic'], h.env, [
    [/Paste the Anthropic API key/, '\u0003'],
  ]);
  assertOneLineAbort(t, r);
  t.false(existsSync(h.storePath()), 'nothing stored');
});

test(
  'Ctrl-C at the restore question of `doctor --fix` exits 130 with one line; the broken store is left as it ' + 'was',
  async (t) => {
    if (skipIfNoPty(t)) return;
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.writeStore('{ "version": 1, "profiles": {');
    writeFileSync(`${path}.bak`, JSON.stringify({ version: 1, profiles: {} }), { mode: 0o600 });
    // The question names the store's path, which wraps on the terminal: with some TMPDIR lengths
    // (/tmp/tt.XXXX, /dev/shm/tt.XXXX) the first line break falls right after "Restore".
    const r = await underPty(['doctor', '--fix'], h.env, [[/Restore\s[\s\S]*\(y\/N\)/, '\u0003']]);
    assertOneLineAbort(t, r);
    t.is(readFileSync(path, 'utf8'), '{ "version": 1, "profiles": {');
  },
);

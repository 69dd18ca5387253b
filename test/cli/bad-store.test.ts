/**
 * Malformed JSON, wrong version, wrong types, huge, binary and non-UTF-8 stores: every
 * command stops with a clear error (path, reason, `aipro doctor`), exit 1, and the
 * store's bytes are unchanged.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'ava';
import { MAX_STORE_BYTES } from '../../src/store/read.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { FIXTURES, KEY, TOKEN } from './support.js';

const CASES: [string, RegExp][] = [
  ['malformed.json', /not valid JSON/],
  ['wrong-version.json', /unsupported store version 2/],
  ['binary.bin', /not UTF-8/],
  ['latin1.json', /not UTF-8/],
  ['huge', /at most 8388608/],
];

const COMMANDS: { args: string[]; input?: string }[] = [
  { args: ['models', 'auth', 'paste-token', '--provider', 'anthropic'], input: TOKEN },
  { args: ['models', 'auth', 'add-key', '--provider', 'anthropic'], input: KEY },
  { args: ['models', 'auth', 'remove', 'anthropic:default'] },
  { args: ['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:default'] },
  { args: ['models', 'auth', 'order', 'clear', '--provider', 'anthropic'] },
  { args: ['models', 'auth', 'order', 'get', '--provider', 'anthropic'] },
  { args: ['models', 'auth', 'list', '--json'] },
];

for (const [fixture, why] of CASES) {
  test(`store ${fixture}: every command exits 1 with a clear error and leaves the bytes alone`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const path = h.storePath();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (fixture === 'huge') writeFileSync(path, Buffer.alloc(MAX_STORE_BYTES + 10, 0x20), { mode: 0o600 });
    else copyFileSync(join(FIXTURES, fixture), path);
    const before = readFileSync(path);
    for (const { args, input } of COMMANDS) {
      const r = await runCli(args, { env: h.env, ...(input ? { input } : {}) });
      const label = args.slice(2).join(' ');
      t.is(r.code, 1, label);
      t.true(r.stderr.includes(path), `${label}: names the path`);
      t.regex(r.stderr, why, label);
      t.regex(r.stderr, /aipro doctor/, `${label}: names the fix`);
      t.true(readFileSync(path).equals(before), `${label}: bytes unchanged`);
    }
    const check = await runCli(['models', 'status', '--check'], { env: h.env });
    t.is(check.code, 1, 'status --check fails closed');
    t.true(readFileSync(path).equals(before));
  });
}

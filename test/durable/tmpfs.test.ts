/**
 * A real full disk and a real read-only filesystem (tmpfs): every writer — auth store, config,
 * alert state, gateway sessions — fails with the file and the cause, exit 1, and leaves the old
 * file byte-identical with no temp file beside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { saveAlertState } from '../../src/alerts/state.js';
import { emptyState } from '../../src/alerts/types.js';
import { SessionStore } from '../../src/gateway/sessions.js';
import { DurableWriteError } from '../../src/util/durable.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

const KEY = (i: number) => `sk-ant-api03-${'k'.repeat(80)}${String(i).padStart(4, '0')}AA`;

/** Every file under `dir` (recursive) with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name !== 'filler')
      out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

test.serial('full disk and read-only: every writer fails cleanly and changes nothing', async (t) => {
  const fs = mountTmpfs(t, 512);
  if (!fs) return t.pass();
  const base = tempHome();
  t.teardown(() => base.cleanup());
  const env = { ...base.env, HOME: fs.dir };
  const state = join(fs.dir, '.aipro');
  // A store big enough that its rewrite cannot fit in what is left below.
  for (let i = 0; i < 60; i++) {
    const r = await runCli(
      ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', `anthropic:k${i}`],
      { env, input: KEY(i), timeoutMs: 60_000 },
    );
    if (r.code !== 0) return t.fail(r.stderr);
  }
  const sessions = new SessionStore(join(state, 'gateway', 'sessions.json'));
  t.true((await sessions.update('s1', () => ({ model: 'anthropic/claude', updatedAt: 1 }))).ok);
  const statePath = join(state, 'monitor', 'state.json');
  await saveAlertState(statePath, emptyState());
  const before = snapshot(state);

  for (const [label, on] of [
    // One page left: a lock's owner file fits, no file a writer replaces does (the config is two
    // pages, the store and the others more). With two left, the config's rewrite failed only for
    // want of the lock's page, and once in a loaded suite run a page more was free and it got
    // through (which page is not known); one page left keeps a margin of one.
    ['full disk', () => fs.leave(4096)],
    [
      'read-only',
      () => {
        fs.free();
        fs.readOnly(true);
      },
    ],
  ] as const) {
    on();
    const cause = label === 'full disk' ? 'no space left on device' : 'read-only file system';
    const add = await runCli(
      ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', 'anthropic:new'],
      { env, input: KEY(999), timeoutMs: 60_000 },
    );
    t.is(add.code, 1, `${label}: add-key exit`);
    t.regex(add.stderr, new RegExp(`cannot write \\S*auth-profiles\\.json\\S*: ${cause}`), `${label}: ${add.stderr}`);
    t.notRegex(add.stdout, /Saved/);
    const set = await runCli(['config', 'set', 'alerts.repeat', '2h'], { env, timeoutMs: 60_000 });
    t.is(set.code, 1, `${label}: config set exit`);
    t.regex(set.stderr, new RegExp(`cannot write \\S*aipro\\.json: ${cause}`), `${label}: ${set.stderr}`);
    for (const r of [add, set]) t.notRegex(r.stderr, /unexpected failure|report this|another aipro process/);
    const s1 = await t.throwsAsync(
      saveAlertState(statePath, {
        ...emptyState(),
        outbox: Array.from({ length: 400 }, (_, i) => ({ id: `x${i}` }) as never),
      }),
      { instanceOf: DurableWriteError },
    );
    t.regex(s1?.message ?? '', new RegExp(`state\\.json: ${cause}`));
    const s2 = await t.throwsAsync(
      sessions.update('s2', () => ({ model: 'm'.repeat(20000), updatedAt: 2 })),
      { instanceOf: DurableWriteError },
    );
    t.regex(s2?.message ?? '', new RegExp(`sessions\\.json: ${cause}`));
    const after = snapshot(state);
    t.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${label}: no temp or new file left`);
    for (const [p, bytes] of before) t.true(after.get(p)?.equals(bytes), `${label}: ${p} byte-identical`);
  }
  fs.readOnly(false);
  const again = await runCli(
    ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', 'anthropic:new'],
    { env, input: KEY(999), timeoutMs: 60_000 },
  );
  t.is(again.code, 0, `with space back, the write goes through at once: ${again.stderr}`);
});

/**
 * The durable writer's event-loop-friendly twin (the gateway's bookkeeping uses it through
 * updateStore): the same contract — the whole new file or the old one, mode 0600, the error
 * names the file and the cause — on a real full tmpfs.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { DurableWriteError, writeFileDurableAsync } from '../../src/util/durable.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { tempHome } from '../helpers/tmp.js';

test('writes the whole file with mode 0600 and replaces the old one', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = join(h.stateDir, 'sub', 'f.json');
  await writeFileDurableAsync(path, 'one\n');
  await writeFileDurableAsync(path, 'two\n', 0o644);
  t.is(readFileSync(path, 'utf8'), 'two\n');
  t.is(statSync(path).mode & 0o777, 0o644, 'the mode is set explicitly, whatever the umask');
  await writeFileDurableAsync(path, 'three\n');
  t.is(statSync(path).mode & 0o777, 0o600);
});

test('a full disk: DurableWriteError naming file and cause, the old file byte-identical, no temp left', async (t) => {
  const fs = mountTmpfs(t);
  if (!fs) return t.pass();
  const path = join(fs.dir, 'auth-profiles.json');
  writeFileSync(path, 'old\n', { mode: 0o600 });
  fs.fill();
  const err = await t.throwsAsync(writeFileDurableAsync(path, 'x'.repeat(64 * 1024)), {
    instanceOf: DurableWriteError,
  });
  t.regex(err?.message ?? '', /auth-profiles\.json: no space left on device; the previous file is unchanged/);
  fs.free();
  t.is(readFileSync(path, 'utf8'), 'old\n');
  t.deepEqual(
    (await import('node:fs')).readdirSync(fs.dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

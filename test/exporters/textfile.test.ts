import test from 'ava';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeTextfile } from '../../exporters/textfile/writer.js';
import { workerArgs } from '../helpers/child.js';
import { tempHome } from '../helpers/tmp.js';

const run = promisify(execFile);
const UMASK_WRITER = fileURLToPath(new URL('./fixtures/textfile-umask.ts', import.meta.url));

test('writes through a temp file in the same directory and renames; mode 0644 despite a strict umask', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = join(home.home, 'collector', 'aipro.prom');
  const { stdout } = await run(process.execPath, [...workerArgs(UMASK_WRITER), path], { timeout: 60_000 });
  const { result, mode } = JSON.parse(stdout);
  t.deepEqual(result, { ok: true, path, bytes: Buffer.byteLength('# HELP a_b x\n# TYPE a_b gauge\na_b 1\n') });
  t.is(readFileSync(path, 'utf8'), '# HELP a_b x\n# TYPE a_b gauge\na_b 1\n');
  t.is(mode, 0o644);
  t.deepEqual(readdirSync(join(home.home, 'collector')), ['aipro.prom']);
});

test('replaces an existing file atomically (the inode changes; readers never see half a file)', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = join(home.home, 'aipro.prom');
  writeFileSync(path, 'old 1\n');
  const before = statSync(path).ino;
  t.true((await writeTextfile(path, 'new 2\n')).ok);
  t.not(statSync(path).ino, before);
  t.is(readFileSync(path, 'utf8'), 'new 2\n');
});

test('a failure is data naming the path and the fix, and leaves no temp file', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const blocker = join(home.home, 'file');
  writeFileSync(blocker, 'x');
  const r = await writeTextfile(join(blocker, 'aipro.prom'), 'a 1\n');
  t.false(r.ok);
  if (!r.ok) t.regex(r.detail, /cannot write the textfile .*monitor\.textfile\.path/);
  t.deepEqual(
    readdirSync(home.home).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

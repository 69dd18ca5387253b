import test from 'ava';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTextfile } from '../../exporters/textfile/writer.js';
import { tempHome } from '../helpers/tmp.js';

test('writes through a temp file in the same directory and renames; mode 0644 despite a strict umask', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = join(home.home, 'collector', 'aipro.prom');
  const old = process.umask(0o077);
  t.teardown(() => void process.umask(old));
  const r = await writeTextfile(
    path,
    (async function* () {
      yield '# HELP a_b x\n# TYPE a_b gauge\n';
      yield 'a_b 1\n';
    })(),
  );
  t.deepEqual(r, { ok: true, path, bytes: Buffer.byteLength('# HELP a_b x\n# TYPE a_b gauge\na_b 1\n') });
  t.is(readFileSync(path, 'utf8'), '# HELP a_b x\n# TYPE a_b gauge\na_b 1\n');
  t.is(statSync(path).mode & 0o777, 0o644);
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

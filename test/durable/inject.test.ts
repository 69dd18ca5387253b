/** The durable writer under injected faults (the fs layer is a parameter): short writes, ENOSPC, EIO on fsync. */
import * as fs from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import test from 'ava';
import { DurableWriteError, writeFileDurableSync, type DurableFs } from '../../src/util/durable.js';
import { putSecretProfile } from '../../src/store/mutations.js';
import { updateStore } from '../../src/store/write.js';
import { tempHome } from '../helpers/tmp.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** node:fs with `writeSync` replaced. */
function withWrite(write: DurableFs['writeSync']): DurableFs {
  return { ...fs, writeSync: write } as unknown as DurableFs;
}

function setup(t: import('ava').ExecutionContext) {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore({
    version: 1,
    profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key: 'sk-ant-api03-old' } },
  });
  return { path, before: readFileSync(path) };
}

const leftovers = (path: string) => readdirSync(dirname(path)).filter((n) => n.endsWith('.tmp'));

test('a device that accepts fewer bytes, then none, never replaces the file', async (t) => {
  const { path, before } = setup(t);
  let calls = 0;
  // 100 bytes on the first call, then nothing: the classic short write of a full disk.
  const f = withWrite((fd, buf, off, len, pos) =>
    calls++ === 0 ? fs.writeSync(fd, buf, off, Math.min(len, 100), pos) : 0,
  );
  const err = await t.throwsAsync(
    updateStore(
      path,
      (s) =>
        putSecretProfile(s, { id: 'anthropic:b', provider: 'anthropic', type: 'api_key', secret: 'sk-ant-api03-new' }),
      f,
    ),
    { instanceOf: DurableWriteError },
  );
  t.regex(err?.message ?? '', /cannot write .*auth-profiles\.json.*: short write/);
  t.true(readFileSync(path).equals(before), 'old file byte-identical');
  t.deepEqual(leftovers(path), [], 'temp file removed');
});

test('partial writes that complete are looped over and the result is whole', (t) => {
  const { path } = setup(t);
  const f = withWrite((fd, buf, off, len, pos) => fs.writeSync(fd, buf, off, Math.min(len, 7), pos));
  const text = `${'x'.repeat(1000)}\n`;
  writeFileDurableSync(path, text, 0o600, f);
  t.is(readFileSync(path, 'utf8'), text);
  t.is(fs.statSync(path).mode & 0o777, 0o600);
});

for (const [code, words] of [
  ['ENOSPC', 'no space left on device'],
  ['EROFS', 'read-only file system'],
  ['EACCES', 'permission denied'],
  ['EDQUOT', 'disk quota exceeded'],
] as const) {
  test(`${code} mid-write: exit-worthy message names the file and "${words}"`, (t) => {
    const { path, before } = setup(t);
    let calls = 0;
    const f = withWrite((fd, buf, off, len, pos) => {
      if (calls++ > 0) throw errno(code);
      return fs.writeSync(fd, buf, off, Math.min(len, 10), pos);
    });
    const err = t.throws(() => writeFileDurableSync(path, 'y'.repeat(5000), 0o600, f), {
      instanceOf: DurableWriteError,
    });
    t.true(err?.message.startsWith(`cannot write ${path}: ${words};`), err?.message);
    t.notRegex(err?.message ?? '', /unexpected|report this|another aipro process/);
    t.true(readFileSync(path).equals(before));
    t.deepEqual(leftovers(path), []);
  });
}

test('fsync failing (EIO) means no rename', (t) => {
  const { path, before } = setup(t);
  const f = {
    ...fs,
    fsyncSync: () => {
      throw errno('EIO');
    },
  } as unknown as DurableFs;
  t.throws(() => writeFileDurableSync(path, 'z', 0o600, f), { message: /input\/output error/ });
  t.true(readFileSync(path).equals(before));
  t.deepEqual(leftovers(path), []);
});

test('rename refused: temp file removed, old file kept', (t) => {
  const { path, before } = setup(t);
  const f = {
    ...fs,
    renameSync: () => {
      throw errno('EROFS');
    },
  } as unknown as DurableFs;
  t.throws(() => writeFileDurableSync(path, 'z', 0o600, f), { message: /read-only file system/ });
  t.true(readFileSync(path).equals(before));
  t.deepEqual(leftovers(path), []);
});

import test from 'ava';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { VERSION } from '../../src/version.js';

// Every Node version runs the bundle from the launcher's vm.Script cachedData file (Node >= 22.1's
// compile cache, in its own folder, only serves the external libraries).

function withStore(): TempHome {
  const h = tempHome();
  h.writeStore({
    version: 1,
    profiles: { 'anthropic:k': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'k'.repeat(80)}` } },
  });
  return h;
}
const cacheFiles = (h: TempHome) =>
  existsSync(join(h.stateDir, 'cache')) ? readdirSync(join(h.stateDir, 'cache')) : [];
const v8File = (h: TempHome) => cacheFiles(h).find((f) => f.startsWith('aipro-') && f.endsWith('.v8'));

test('--version and -V print the version alone, like commander did', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  for (const flag of ['--version', '-V']) {
    const r = await spawnCli([flag], { env: h.env });
    t.is(r.code, 0);
    t.is(r.stdout, `${VERSION}\n`);
    t.is(r.stderr, '');
  }
});

test('the code cache lands in <state dir>/cache (0700/0600) and a cached run prints the same', async (t) => {
  const h = withStore();
  t.teardown(() => h.cleanup());
  const first = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.is(first.code, 0, first.stderr);
  t.true(cacheFiles(h).length > 0, 'a cache was written');
  t.is(statSync(join(h.stateDir, 'cache')).mode & 0o777, 0o700);
  t.is(statSync(join(h.stateDir, 'cache', v8File(h) as string)).mode & 0o777, 0o600);
  const second = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.deepEqual({ ...second }, { ...first });
});

test('a corrupt cache is rejected and replaced; the command behaves the same', async (t) => {
  const h = withStore();
  t.teardown(() => h.cleanup());
  const first = await spawnCli(['models', 'status', '--check'], { env: h.env });
  const file = join(h.stateDir, 'cache', v8File(h) as string);
  writeFileSync(file, Buffer.alloc(4096, 0x5a));
  const again = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.is(again.code, first.code);
  t.is(again.stdout, first.stdout);
  t.is(again.stderr, '');
  t.false(readFileSync(file).equals(Buffer.alloc(4096, 0x5a)), 'the garbage was replaced');
});

test('no state dir: runs without a cache and does not create ~/.aipro for it', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  rmSync(h.stateDir, { recursive: true, force: true });
  const r = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.is(r.code, 1); // no credential for the default provider
  t.false(existsSync(h.stateDir));
});

test('a cache folder others can write is not used', async (t) => {
  const h = withStore();
  t.teardown(() => h.cleanup());
  mkdirSync(join(h.stateDir, 'cache'));
  chmodSync(join(h.stateDir, 'cache'), 0o777);
  const r = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.is(r.code, 0);
  t.deepEqual(cacheFiles(h), []);
});

test('an unwritable cache location and AIPRO_NO_CODE_CACHE=1 only mean no cache', async (t) => {
  const h = withStore();
  t.teardown(() => h.cleanup());
  writeFileSync(join(h.stateDir, 'cache'), 'not a directory');
  const r = await spawnCli(['models', 'status', '--check'], { env: h.env });
  t.is(r.code, 0);
  t.is(r.stderr, '');
  rmSync(join(h.stateDir, 'cache'));
  const off = await spawnCli(['models', 'status', '--check'], { env: { ...h.env, AIPRO_NO_CODE_CACHE: '1' } });
  t.is(off.code, 0);
  t.deepEqual(cacheFiles(h), []);
});

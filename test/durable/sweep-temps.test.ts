/** Temp files of writers killed mid-write are swept by the next write; live writers' files are kept. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { sweepStaleTemps, writeFileDurableAsync, writeFileDurableSync } from '../../src/util/durable.js';
import { tempDir } from '../helpers/tmp.js';

/** A pid that existed and has exited (a child we waited for). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  if (r.pid === undefined) throw new Error('no child pid');
  return r.pid;
}

function plant(dir: string): { dead: string; live: string; own: string; other: string } {
  const names = {
    dead: `.auth-profiles.json.${deadPid()}.0a1b2c3d.tmp`,
    live: `.auth-profiles.json.${process.ppid}.0a1b2c3d.tmp`,
    own: `.auth-profiles.json.${process.pid}.0a1b2c3d.tmp`,
    other: `.config.json.${deadPid()}.0a1b2c3d.tmp`,
  };
  for (const n of Object.values(names)) writeFileSync(join(dir, n), '{"key":"sk-ant-api03-half-writ');
  return names;
}

test("sweepStaleTemps removes only the dead writers' temp files of that file", (t) => {
  const dir = tempDir(t);
  const n = plant(dir);
  t.is(sweepStaleTemps(join(dir, 'auth-profiles.json')), 1);
  t.false(existsSync(join(dir, n.dead)), "a dead writer's temp file is gone");
  t.true(existsSync(join(dir, n.live)), 'a live process keeps its temp file');
  t.true(existsSync(join(dir, n.own)), "this process's own temp file is not touched");
  t.true(existsSync(join(dir, n.other)), "another file's temp files are not touched");
});

for (const [name, write] of [
  ['sync', async (p: string) => writeFileDurableSync(p, '{}')],
  ['async', (p: string) => writeFileDurableAsync(p, '{}')],
] as const) {
  test(`the ${name} writer sweeps a killed writer's temp file before it writes`, async (t) => {
    const dir = tempDir(t);
    const n = plant(dir);
    await write(join(dir, 'auth-profiles.json'));
    const left = readdirSync(dir).sort();
    t.deepEqual(left, ['auth-profiles.json', n.live, n.own, n.other].sort());
  });
}

/**
 * 10 processes × 20 concurrent paste-token + order set chains on ONE store (and the
 * config declarations under the config lock): no update may be lost.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseStoreText } from '../../src/store/read.js';
import { tempHome } from '../helpers/tmp.js';
import { workerArgs } from '../helpers/child.js';

const HAMMER = fileURLToPath(new URL('../fixtures/store-workers/hammer.ts', import.meta.url));
const PROCS = 10;
// 20 chains per process keep all 10 processes contending for the lock throughout (each starts
// them at once); more chains add no contention, only a larger store for every write to rewrite:
// 50 cost 18.6 CPU-s in a full npm test, most of the suite's single largest file.
const PER_PROC = 20;

function runWorker(
  store: string,
  worker: number,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...workerArgs(HAMMER), store, String(worker), String(PER_PROC)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('10 processes × 20 concurrent paste-token/order set lose no update', async (t) => {
  // 600 fsynced, serialised writes (2 store writes and 1 config write per chain): on a loaded 2-core
  // machine this takes minutes, not seconds.
  t.timeout(300_000);
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const store = home.storePath();
  const results = await Promise.all(Array.from({ length: PROCS }, (_, w) => runWorker(store, w, home.env)));
  for (const r of results) t.is(r.code, 0, r.stderr);

  const read = parseStoreText(readFileSync(store, 'utf8'));
  if (!read.ok) return t.fail(read.detail);
  const s = read.store;
  t.is(Object.keys(s.profiles).length, PROCS * PER_PROC, 'every pasted profile is there');
  t.is(Object.keys(s.order ?? {}).length, PROCS * PER_PROC, 'every order set is there');
  for (let w = 0; w < PROCS; w++) {
    for (let i = 0; i < PER_PROC; i++) {
      const provider = `w${w}p${i}`;
      t.deepEqual(s.order?.[provider], [`${provider}:manual`]);
      t.is(s.profiles[`${provider}:manual`]?.token, `tok-${w}-${i}`);
    }
  }
  const config = JSON.parse(readFileSync(`${home.stateDir}/aipro.json`, 'utf8'));
  t.is(Object.keys(config.auth.profiles).length, PROCS * PER_PROC, 'every config declaration is there');
  t.is((await import('node:fs')).statSync(store).mode & 0o777, 0o600);
});

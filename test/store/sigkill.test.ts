/** SIGKILL at random moments while a writer hammers the store: the store always parses. */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseStoreBytes } from '../../src/store/read.js';
import { tempHome } from '../helpers/tmp.js';
import { workerArgs } from '../helpers/child.js';

const WRITER = fileURLToPath(new URL('../fixtures/store-workers/writer.ts', import.meta.url));
const ROUNDS = 25;

/** Start the writer, wait for its first write, let it run a random while, kill -9. */
function killDuringWrites(store: string, env: Record<string, string>, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...workerArgs(WRITER), store], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', () => resolve());
    child.stdout.setEncoding('utf8').once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
  });
}

test('kill -9 during writes never leaves an unparseable store', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const store = home.storePath();
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let lastCount = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await killDuringWrites(store, home.env, Math.floor(rand() * 150));
    const r = parseStoreBytes(readFileSync(store), store);
    t.true(r.ok, `round ${round}: ${r.ok ? '' : r.detail}`);
    if (r.ok) lastCount = Object.keys(r.store.profiles).length;
    const bak = parseStoreBytes(readFileSync(`${store}.bak`), `${store}.bak`);
    t.true(bak.ok, `round ${round}: .bak parses`);
    // The killed writer may have held the lock; a fresh one would wait 30 s for it to go stale.
    rmSync(`${store}.lock`, { recursive: true, force: true });
  }
  t.true(lastCount > 0);
});

/**
 * SIGKILL during `add-key`, again and again: every file parses, store and config never disagree
 * in a way any command reports (no declared-but-missing profile), and the next write never waits
 * for the dead process's lock.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { CLI, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const ROUNDS = 14;
const KEY = (i: number) => `sk-ant-api03-${'q'.repeat(60)}${String(i).padStart(4, '0')}AA`;

function killedAddKey(env: Record<string, string>, i: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', `anthropic:k${i}`],
      { env, stdio: ['pipe', 'ignore', 'ignore'] },
    );
    child.on('error', reject);
    child.on('close', () => resolve());
    child.stdin.end(KEY(i));
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
}

test('kill -9 during add-key: files parse, nothing reported missing, no waiting afterwards', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  let seed = 4242;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < ROUNDS; round++) {
    // Cold start takes most of the time; the kill lands anywhere from start-up to the last rename.
    await killedAddKey(h.env, round, 80 + Math.floor(rand() * 400));
    for (const p of [h.storePath(), `${h.storePath()}.bak`, `${h.stateDir}/aipro.json`]) {
      if (existsSync(p)) t.notThrows(() => JSON.parse(readFileSync(p, 'utf8')), `round ${round}: ${p} parses`);
    }
    const t0 = Date.now();
    const next = await runCli(
      ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', 'anthropic:after'],
      { env: { ...h.env, AIPRO_LOCK_WAIT_MS: '60000' }, input: KEY(9999), timeoutMs: 60_000 },
    );
    t.is(next.code, 0, next.stderr);
    // A stale lock used to cost 17-30 s; spawning under load costs a few.
    t.true(Date.now() - t0 < 12_000, `round ${round}: the next write took ${Date.now() - t0} ms`);
  }
  const status = await runCli(['models', 'status', '--json'], { env: h.env, timeoutMs: 60_000 });
  const doc = JSON.parse(status.stdout) as { agents: { profiles: { id: string; source: string; status: string }[] }[] };
  const missing = doc.agents
    .flatMap((a) => a.profiles)
    .filter((p) => p.id.startsWith('anthropic:k') && p.status === 'missing');
  t.deepEqual(missing, [], 'no profile declared in config but absent from the store');
});

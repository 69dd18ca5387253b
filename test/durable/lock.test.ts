/** Locks record pid + host: a dead holder is taken over at once; a live one is waited for, then named. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import test from 'ava';
import { LockTimeoutError, withLock } from '../../src/store/lock.js';
import { tempHome } from '../helpers/tmp.js';

function plantLock(path: string, owner: Record<string, unknown>, ageMs = 0): void {
  mkdirSync(`${path}.lock`, { recursive: true });
  writeFileSync(
    `${path}.lock/owner.json`,
    JSON.stringify({ host: hostname(), started: null, cmd: 'aipro models auth add-key', nonce: 'n1', ...owner }),
  );
  const when = new Date(Date.now() - ageMs);
  utimesSync(`${path}.lock`, when, when);
}

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

function setup(t: import('ava').ExecutionContext): string {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  return `${home.stateDir}/aipro.json`;
}

test('a lock whose holder died (SIGKILL) is taken over at once, not after 30 s', async (t) => {
  const path = setup(t);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
  plantLock(path, { pid: dead });
  const t0 = Date.now();
  t.is(await withLock(path, () => 'mine', { waitMs: 60_000 }), 'mine');
  t.true(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  t.false(existsSync(`${path}.lock`), 'released');
});

test('a pid now used by another process (other start time) is a dead holder too', async (t) => {
  const path = setup(t);
  plantLock(path, { pid: process.pid, started: '1' });
  t.is(await withLock(path, () => 1, { waitMs: 60_000 }), 1);
});

test('a live holder is waited for, then named with its pid and command', async (t) => {
  const path = setup(t);
  const child = spawn('sleep', ['60']);
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((r) => child.once('spawn', r));
  plantLock(path, { pid: child.pid, started: startOf(child.pid as number) });
  const err = await t.throwsAsync(
    withLock(path, () => 1, { waitMs: 800 }),
    { instanceOf: LockTimeoutError },
  );
  t.regex(
    err?.message ?? '',
    new RegExp(`could not lock ${path}: pid ${child.pid} \\(aipro models auth add-key\\) on ${hostname()} has held it`),
  );
  t.regex(err?.message ?? '', /kill \d+/);
  t.true(existsSync(`${path}.lock/owner.json`), 'a live holder keeps its lock');
});

test('a holder on another host is judged by age: fresh is live, unrefreshed for 30 s is dead', async (t) => {
  const path = setup(t);
  plantLock(path, { pid: 1, host: 'elsewhere.example' });
  await t.throwsAsync(
    withLock(path, () => 1, { waitMs: 300 }),
    { instanceOf: LockTimeoutError },
  );
  plantLock(path, { pid: 1, host: 'elsewhere.example' }, 31_000);
  t.is(await withLock(path, () => 2, { waitMs: 60_000 }), 2);
});

test('in one process, writers queue and each gets the lock in turn', async (t) => {
  const path = setup(t);
  let inside = 0;
  let max = 0;
  await Promise.all(
    Array.from({ length: 30 }, () =>
      withLock(path, async () => {
        max = Math.max(max, ++inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
      }),
    ),
  );
  t.is(max, 1);
});

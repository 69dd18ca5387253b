/**
 * Cross-process locks for every file aipro rewrites (auth store, config, alert state,
 * sessions, .env, per-profile OAuth refresh): a `<path>.lock` directory holding `owner.json`
 * (pid, host, process start time, command, nonce). The lock appears whole by renaming a
 * prepared directory into place, so there is never an ownerless lock to guess about.
 *
 * A holder that is dead (its pid is gone on this host, or the pid now belongs to a process
 * started at another time) is taken over at once. A holder on another host refreshes the
 * lock's mtime; one not refreshed for LOCK_STALE_MS is dead. A live holder is waited for:
 * the wait is bounded per holder (AIPRO_LOCK_WAIT_MS, 30 s by default), so writers that take
 * turns keep waiting while the lock changes hands, and a hung holder is named in the error.
 */
import { randomBytes } from 'node:crypto';
import {
  access,
  mkdir,
  mkdirSync,
  readFile,
  readFileSync,
  rename,
  renameSync,
  rm,
  rmdir,
  rmdirSync,
  rmSync,
  statSync,
  unlink,
  unlinkSync,
  utimesSync,
  writeFile,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { causeCode, DurableWriteError } from '../util/durable.js';
import { OperatorError } from '../util/operator-error.js';

/*
 * The lock's common path (a free lock taken and released) runs on libuv's thread pool: on a
 * busy disk a `mkdir`, `rename` or `rmdir` waits for the filesystem journal for
 * milliseconds, and a long-running process (the gateway, locking once a second for its
 * bookkeeping) would stall every request in flight meanwhile. Callbacks, not fs/promises: that
 * module costs every short command ~1 ms to load. A held lock (rare) is judged synchronously.
 */
type Done = (err: NodeJS.ErrnoException | null) => void;
const pooled = (op: (done: Done) => void) => new Promise<void>((ok, fail) => op((e) => (e ? fail(e) : ok())));
const exists = (p: string) => new Promise<boolean>((ok) => access(p, (e) => ok(!e)));
const removeTree = (p: string) => new Promise<void>((ok) => rm(p, { recursive: true, force: true }, () => ok()));

/** A lock of another host not refreshed for this long is dead (holders refresh every third of it). */
export const LOCK_STALE_MS = 30_000;
/** Default longest wait for one live holder. */
export const LOCK_WAIT_MS = 30_000;

export interface LockOwner {
  pid: number;
  host: string;
  /** Start time of the holder process (/proc/<pid>/stat field 22), null where unknown. */
  started: string | null;
  /** The command words only (`aipro models auth add-key`), never arguments that may be secrets. */
  cmd: string;
  nonce: string;
}

export class LockTimeoutError extends OperatorError {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | null,
    readonly waitedMs: number,
  ) {
    const who = owner ? `pid ${owner.pid} (${owner.cmd}) on ${owner.host}` : 'another aipro process';
    super(
      `could not lock ${path}: ${who} has held it for ${Math.round(waitedMs / 1000)} s, longer than the wait limit. ` +
        (owner
          ? `If that process is hung, stop it (\`kill ${owner.pid}\`) and run the command again`
          : 'Run the command again') +
        '; raise AIPRO_LOCK_WAIT_MS to wait longer.',
    );
  }
}

/** The start time of `pid` as the kernel records it, or null where /proc is not readable. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

let selfOwner: Omit<LockOwner, 'nonce'> | null = null;
function self(): Omit<LockOwner, 'nonce'> {
  if (selfOwner) return selfOwner;
  const words: string[] = [];
  for (const a of process.argv.slice(2)) {
    if (!/^[a-z][a-z-]*$/.test(a) || words.length === 3) break;
    words.push(a);
  }
  selfOwner = {
    pid: process.pid,
    host: hostname(),
    started: processStart(process.pid),
    cmd: ['aipro', ...words].join(' '),
  };
  return selfOwner;
}

/** The owner an `owner.json` names, or null when it names none. */
function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

export function readLockOwner(lockDir: string): LockOwner | null {
  try {
    return parseOwner(readFileSync(`${lockDir}/owner.json`, 'utf8'));
  } catch {
    return null;
  }
}

/** `readLockOwner` off the event loop. */
function readLockOwnerAsync(lockDir: string): Promise<LockOwner | null> {
  return new Promise((ok) =>
    readFile(`${lockDir}/owner.json`, 'utf8', (err, text) => ok(err ? null : parseOwner(text))),
  );
}

/** Is the holder of `lockDir` gone? Absent lock → false (nothing to take over). */
export function lockHolderDead(lockDir: string, now = Date.now()): boolean {
  let mtime: number;
  try {
    mtime = statSync(lockDir).mtimeMs;
  } catch {
    return false;
  }
  const owner = readLockOwner(lockDir);
  // Ownerless: left by an older aipro (proper-lockfile), which refreshed the mtime while alive.
  if (!owner || owner.host !== hostname()) return now - mtime > LOCK_STALE_MS;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  // The pid is in use: dead anyway when it now names a process started at another time.
  const started = owner.started === null ? null : processStart(owner.pid);
  return started !== null && started !== owner.started;
}

const tmpName = (lockDir: string, what: string) =>
  `${lockDir}.${process.pid}.${randomBytes(4).toString('hex')}.${what}`;

/** Move a lock dir out of the way atomically, then delete it (never an empty lock dir at the path). */
function discard(lockDir: string): void {
  const aside = tmpName(lockDir, 'gone');
  try {
    renameSync(lockDir, aside);
  } catch {
    return;
  }
  removeLockDir(aside);
}

/**
 * Delete a lock dir we own or moved aside: it holds owner.json only, so unlink and rmdir (two
 * system calls) instead of a recursive rm, which first tries rmdir, then lists, stats and
 * unlinks. Locks are taken and released thousands of times under contention; anything else
 * in the dir falls back to the recursive rm.
 */
function removeLockDir(dir: string): void {
  try {
    unlinkSync(`${dir}/owner.json`);
  } catch {
    // not written yet (a failed prepare), or already gone
  }
  try {
    rmdirSync(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `discard` off the event loop (our own lock, released). */
async function discardAsync(lockDir: string): Promise<void> {
  const aside = tmpName(lockDir, 'gone');
  try {
    await pooled((done) => rename(lockDir, aside, done));
  } catch {
    return;
  }
  await removeLockDirAsync(aside);
}

/** `removeLockDir` off the event loop. */
async function removeLockDirAsync(dir: string): Promise<void> {
  await pooled((done) => unlink(`${dir}/owner.json`, done)).catch(() => undefined);
  await pooled((done) => rmdir(dir, done)).catch(() => removeTree(dir));
}

/**
 * Remove the lock of a dead holder. Takeovers are serialised by a short-lived `.takeover`
 * directory so that two waiters who both saw the same dead holder never remove a lock the
 * first one has just taken; the takeover re-checks the holder under it.
 */
export function takeOverDeadLock(lockDir: string, expectNonce: string | null): boolean {
  const guard = `${lockDir}.takeover`;
  try {
    mkdirSync(guard);
  } catch {
    // Another waiter is taking over (microseconds); a guard left by a killed process expires.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) rmSync(guard, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    const owner = readLockOwner(lockDir);
    if ((owner?.nonce ?? null) !== expectNonce || !lockHolderDead(lockDir)) return false;
    discard(lockDir);
    return true;
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

/** One attempt: put a complete lock dir in place. Returns our owner, or null when held. */
async function tryAcquire(path: string, lockDir: string): Promise<LockOwner | null> {
  const owner: LockOwner = { ...self(), nonce: randomBytes(8).toString('hex') };
  const prep = tmpName(lockDir, 'new');
  try {
    await pooled((done) => mkdir(prep, { mode: 0o700 }, (e) => done(e)));
    await pooled((done) => writeFile(`${prep}/owner.json`, JSON.stringify(owner), { mode: 0o600 }, done));
    await pooled((done) => rename(prep, lockDir, done));
    return owner;
  } catch (err) {
    await removeLockDirAsync(prep);
    const code = causeCode(err);
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return null;
    throw new DurableWriteError(path, code);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The per-holder wait limit: AIPRO_LOCK_WAIT_MS when it is a positive number, else 30 s. */
export function lockWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AIPRO_LOCK_WAIT_MS);
  return Number.isFinite(n) && n > 0 ? n : LOCK_WAIT_MS;
}

/** First and largest poll interval while a lock is held; each sleep is jittered up to twice that. */
const POLL_FIRST_MS = 2;
const POLL_MAX_MS = 50;

/**
 * The next poll interval: ×1.5 per poll up to POLL_MAX_MS, over the whole wait. It does not
 * start again when the lock changes hands: under contention the holder changes every few
 * milliseconds, and waiters that went back to 2 ms each time polled ten times as often for the
 * same turn (measured: 10 processes × 150 writes, 3,000 polls per process instead of 330, and
 * 60% more CPU). With several waiters a free lock is still found within a few milliseconds:
 * their jittered polls interleave.
 */
const nextPollMs = (delay: number): number => Math.min(delay * 1.5, POLL_MAX_MS);

async function acquire(path: string, lockDir: string, waitMs: number): Promise<LockOwner> {
  let seen: string | null | undefined;
  let since = Date.now();
  let delay = POLL_FIRST_MS;
  for (;;) {
    // Preparing a lock dir costs four metadata writes: only try when the lock looks free.
    if (!(await exists(lockDir))) {
      const mine = await tryAcquire(path, lockDir);
      if (mine) return mine;
    }
    const holder = readLockOwner(lockDir);
    const nonce = holder?.nonce ?? null;
    if (lockHolderDead(lockDir)) {
      if (takeOverDeadLock(lockDir, nonce)) continue;
    }
    // The wait is per holder: progress (a new holder) restarts it.
    if (nonce !== seen) {
      seen = nonce;
      since = Date.now();
    } else if (Date.now() - since > waitMs) {
      throw new LockTimeoutError(path, holder, Date.now() - since);
    }
    await sleep(delay + Math.random() * delay);
    delay = nextPollMs(delay);
  }
}

/** Waiters for the same path inside one process queue here, so only one of them polls the file. */
const local = new Map<string, Promise<unknown>>();

/** Run `fn` while holding the lock for `path` (the file need not exist yet). */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, opts: { waitMs?: number } = {}): Promise<T> {
  const prev = local.get(path) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(() => holding(path, fn, opts.waitMs ?? lockWaitMs()));
  const tail = run.catch(() => undefined);
  local.set(path, tail);
  void tail.then(() => {
    if (local.get(path) === tail) local.delete(path);
  });
  return run;
}

async function holding<T>(path: string, fn: () => Promise<T> | T, waitMs: number): Promise<T> {
  const lockDir = `${path}.lock`;
  try {
    await pooled((done) => mkdir(dirname(path), { recursive: true, mode: 0o700 }, (e) => done(e)));
  } catch (err) {
    throw new DurableWriteError(path, causeCode(err));
  }
  const owner = await acquire(path, lockDir, waitMs);
  // Holders on other hosts can only be judged by age: keep ours fresh.
  const refresh = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(lockDir, t, t);
    } catch {
      // taken over or removed; the write itself still checks what it writes
    }
  }, LOCK_STALE_MS / 3);
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    if ((await readLockOwnerAsync(lockDir))?.nonce === owner.nonce) await discardAsync(lockDir);
  }
}

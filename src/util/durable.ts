/**
 * The one durable writer behind every file aipro owns (auth store, config, alert state,
 * gateway sessions, .env, imports, units). A file is replaced only by a complete, synced
 * copy: temp file in the same directory, every byte written and counted, fsync, size
 * checked, rename, fsync of the directory. On any failure the temp file is removed and
 * the old file is untouched, and the error names the file and the cause in words.
 * The fs layer is a parameter so tests can inject a short write without mocking modules.
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { OperatorError } from './operator-error.js';

/** The few fs calls the writer needs; `node:fs` satisfies it. */
export interface DurableFs {
  mkdirSync(path: string, opts: { recursive: true; mode: number }): unknown;
  openSync(path: string, flags: string, mode: number): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  fchmodSync(fd: number, mode: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: true }): void;
}

/** Plain words for the errno codes an operator can act on. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error',
  ENOTDIR: 'a parent path is not a directory',
  EISDIR: 'the path is a directory',
  SHORT: 'short write (the device accepted fewer bytes than written)',
};

function fixFor(code: string, dir: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SHORT':
      return `free space where ${dir} lives (\`df -h ${dir}\`), then run the command again`;
    case 'EROFS':
      return (
        `${dir} is on a read-only filesystem: remount it read-write, or under systemd add it to ReadWritePaths=, ` +
        `then run the command again`
      );
    case 'EACCES':
    case 'EPERM':
      return `check the owner and mode of ${dir} (\`ls -ld ${dir}\`) and run aipro as that user`;
    default:
      return `check ${dir} (\`aipro doctor\`), then run the command again`;
  }
}

/** A write that did not happen. The old file is byte-identical; `code` is the errno (or SHORT). */
export class DurableWriteError extends OperatorError {
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(
      `cannot write ${path}: ${CAUSES[code] ?? code}; the previous file is unchanged. Fix: ` +
        `${fixFor(code, dirname(path))}`,
    );
  }
}

/** The cause code of any thrown value (errno code, or SHORT for a short write). */
export function causeCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'EIO';
}

/** Plain words for an errno code (for messages built elsewhere, e.g. a lock that cannot be made). */
export function causeWords(code: string): string {
  return CAUSES[code] ?? code;
}

/** Write every byte of `buf` to `fd`, looping over partial writes; a write that makes no progress is SHORT. */
function writeAll(f: DurableFs, fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    const n = f.writeSync(fd, buf, off, buf.length - off, off);
    if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'SHORT' });
    off += n;
  }
}

/** The temp file a writer in this process uses for `path`: hidden, pid-tagged, never ending like the real file. */
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Remove temp files of `path` left by writers that were killed mid-write (their pid is gone):
 * they may hold secrets the store has since dropped. Best effort and conservative: a pid that
 * is alive (even if reused by another program) keeps its file until a later write.
 */
export function sweepStaleTemps(path: string): number {
  const prefix = `.${basename(path)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!isStaleTemp(prefix, name)) continue;
    try {
      fs.rmSync(join(dirname(path), name), { force: true });
      removed++;
    } catch {
      // another writer swept it first, or the directory is read-only: the next write tries again
    }
  }
  return removed;
}

/** A temp file of the writer `prefix` names whose pid is gone. */
function isStaleTemp(prefix: string, name: string): boolean {
  const m = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length)) : null;
  return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
}

/** `sweepStaleTemps` off the event loop (the directory listing waits on a busy disk). */
async function sweepStaleTempsAsync(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await fs.promises.readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names)
    if (isStaleTemp(prefix, name))
      await fs.promises.rm(join(dirname(path), name), { force: true }).catch(() => undefined);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Atomically replace `path` with `data`, mode `mode` (0600 unless said otherwise). */
export function writeFileDurableSync(path: string, data: string | Uint8Array, mode = 0o600, f: DurableFs = fs): void {
  const dir = dirname(path);
  const tmp = tempName(path);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (f === fs) sweepStaleTemps(path);
  let fd: number | null = null;
  let created = false;
  try {
    f.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = f.openSync(tmp, 'wx', mode);
    created = true;
    // Explicit: the umask must not change the mode (0600 secrets, 0644 units).
    f.fchmodSync(fd, mode);
    writeAll(f, fd, buf);
    f.fsyncSync(fd);
    if (f.fstatSync(fd).size !== buf.length) throw Object.assign(new Error('size mismatch'), { code: 'SHORT' });
    f.closeSync(fd);
    fd = null;
    f.renameSync(tmp, path);
    created = false;
  } catch (err) {
    if (fd !== null) {
      try {
        f.closeSync(fd);
      } catch {
        // closing a failed file can fail too (EIO/ENOSPC on close); the temp file is removed below
      }
    }
    if (created) {
      try {
        f.rmSync(tmp, { force: true });
      } catch {
        // nothing more we can do; the temp name never ends like the real file, nothing reads it
      }
    }
    throw new DurableWriteError(path, causeCode(err));
  }
  fsyncDirWith(f, dir);
}

/** fsync a directory so the rename survives a crash; filesystems that refuse it still renamed atomically. */
function fsyncDirWith(f: DurableFs, dir: string): void {
  try {
    const fd = f.openSync(dir, 'r', 0);
    try {
      f.fsyncSync(fd);
    } finally {
      f.closeSync(fd);
    }
  } catch {
    // unsupported here (some network filesystems); the rename itself is atomic
  }
}

/**
 * The same write for callers that must keep the event loop free (the gateway's bookkeeping
 * while it serves requests): the fsyncs run on libuv's thread pool instead of blocking.
 */
export async function writeFileDurableAsync(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  // fs.promises is loaded on first use: a top-level import would cost every `aipro` start ~1 ms.
  const { open: openAsync, mkdir, rename, rm } = fs.promises;
  const dir = dirname(path);
  const tmp = tempName(path);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await sweepStaleTempsAsync(path);
  let fh: Awaited<ReturnType<typeof openAsync>> | null = null;
  let created = false;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    fh = await openAsync(tmp, 'wx', mode);
    created = true;
    await fh.chmod(mode);
    for (let off = 0; off < buf.length; ) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off, off);
      if (!(bytesWritten > 0)) throw Object.assign(new Error('short write'), { code: 'SHORT' });
      off += bytesWritten;
    }
    await fh.sync();
    if ((await fh.stat()).size !== buf.length) throw Object.assign(new Error('size mismatch'), { code: 'SHORT' });
    await fh.close();
    fh = null;
    await rename(tmp, path);
    created = false;
  } catch (err) {
    await fh?.close().catch(() => undefined);
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    throw new DurableWriteError(path, causeCode(err));
  }
  try {
    const d = await openAsync(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // unsupported here (some network filesystems); the rename itself is atomic
  }
}

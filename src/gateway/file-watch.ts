/**
 * When a file cache must look at its file again, without a `stat` per request. A directory
 * watch (inotify on Linux) marks a file as possibly changed the moment it is written or
 * replaced; the cache then stats it on its next use. Events can be lost (the watch limit is
 * reached, a network filesystem, the directory replaced), so a file is also stat'ed at the
 * latest `recheckMs` after its last look: a change by another process (`aipro models auth …`)
 * is seen by the next request after the change notice, and in any case by every request that
 * starts `recheckMs` after the write. Writes by this process update their cache directly.
 * Two `statx` per request were the only system calls the gateway made beyond a bare proxy's.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileSignature } from '../util/fs.js';

/** The longest a change by another process can go unseen when the watch missed it (ms). */
export const RECHECK_MS = 1_000;

/** How files are watched (tests inject a clock and can switch the watch off to prove the bound). */
export interface FreshnessOptions {
  /** A monotonic clock in ms (default `performance.now`). */
  now?: () => number;
  /** Stat a file at least this often even without a change notice (default RECHECK_MS). */
  recheckMs?: number;
  /** Watch the directory (default true); without it, only the re-check bound applies. */
  watch?: boolean;
}

/** The watch of one directory, shared by the files of it that caches read. */
export class DirWatch {
  private watcher: FSWatcher | null = null;
  private readonly files = new Map<string, FileFreshness>();
  readonly now: () => number;
  readonly recheckMs: number;

  constructor(
    readonly dir: string,
    private readonly opts: FreshnessOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.recheckMs = opts.recheckMs ?? RECHECK_MS;
  }

  /** The freshness of `path` (a file in this directory). */
  file(path: string): FileFreshness {
    const name = basename(path);
    let f = this.files.get(name);
    if (!f) {
      f = new FileFreshness(path, this);
      this.files.set(name, f);
    }
    return f;
  }

  /**
   * Start (or restart) the watch. A directory that does not exist yet cannot be watched: the
   * re-check bound covers it until a later look starts the watch.
   */
  restart(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.opts.watch === false) return;
    try {
      const w = watch(this.dir, { persistent: false }, (_event, name) => this.notice(name));
      // A watch that fails (the directory removed) is dropped; the next re-check starts a new one.
      w.on('error', () => {
        w.close();
        if (this.watcher === w) this.watcher = null;
        this.notice(null);
      });
      this.watcher = w;
    } catch {
      this.watcher = null;
    }
  }

  /** True while a watch is running. */
  get watching(): boolean {
    return this.watcher !== null;
  }

  private notice(name: string | Buffer | null): void {
    if (name === null) {
      for (const f of this.files.values()) f.markChanged();
      return;
    }
    this.files.get(String(name))?.markChanged();
  }

  /** Stop watching (the gateway closes; a later look would start a new watch). */
  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

/** The change state of one watched file. */
export class FileFreshness {
  private changed = true;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private sig = '';

  constructor(
    readonly path: string,
    private readonly dir: DirWatch,
  ) {}

  /** A change notice arrived: the next `signature()` stats the file. */
  markChanged(): void {
    this.changed = true;
  }

  /**
   * The file's identity (`fileSignature`): stat'ed after a change notice or when the last look
   * is `recheckMs` old, otherwise the last one seen (no system call).
   */
  signature(): string {
    const t = this.dir.now();
    if (!this.changed && t - this.checkedAt < this.dir.recheckMs) return this.sig;
    const noticed = this.changed;
    this.changed = false;
    this.checkedAt = t;
    // Watch before the stat: a write between the two is then noticed, not left to the bound.
    if (!this.dir.watching) this.dir.restart();
    const sig = fileSignature(this.path);
    // A change no notice announced means the watch missed it (a dead watch): start a new one.
    if (!noticed && sig !== this.sig) this.dir.restart();
    this.sig = sig;
    return sig;
  }

  /** Remember the signature of a write this process just made (its cache already holds the content). */
  wrote(sig: string): void {
    this.sig = sig;
    this.checkedAt = this.dir.now();
  }
}

/** The directory watch of the file at `path`. */
export function dirWatchFor(path: string, opts?: FreshnessOptions): DirWatch {
  return new DirWatch(dirname(path), opts);
}

/** Small filesystem helpers shared by every writer and every file cache. */
import { closeSync, fsyncSync, openSync, statSync } from 'node:fs';

/**
 * A file's identity for caches: inode, size, mtime and ctime. Every writer here replaces
 * files by atomic rename, so any change shows. Never throws (`absent`, `unreadable:<code>`).
 */
export function fileSignature(path: string): string {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : 'absent';
  } catch (err) {
    return `unreadable:${(err as NodeJS.ErrnoException).code ?? ''}`;
  }
}

/** fsync a directory so a rename inside it survives a crash. Some filesystems refuse; the rename is still atomic. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync unsupported here (e.g. some network filesystems): nothing more to do.
  }
}

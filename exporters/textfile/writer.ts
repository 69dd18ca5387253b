/**
 * node_exporter textfile-collector output: the metrics text written atomically (a temp
 * file in the same directory, fsync, rename), so the collector never reads half a file.
 * The temp name does not end in `.prom`, so the collector never picks it up either.
 * The content carries no timestamps (the collector rejects them).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from '../../src/util/fs.js';

export type TextfileResult = { ok: true; path: string; bytes: number } | { ok: false; path: string; detail: string };

/**
 * Write `content` (text, or pieces of it) to `path` atomically, mode 0644: node_exporter
 * runs as another user, and nothing in the metrics is secret.
 */
export async function writeTextfile(
  path: string,
  content: string | Iterable<string> | AsyncIterable<string>,
): Promise<TextfileResult> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    try {
      // Only the last directory is created: a missing parent is a wrong path, not ours to invent.
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const fh = await open(tmp, 'w', 0o644);
    try {
      // Explicit chmod: the daemon's UMask=0077 would otherwise hide the file from node_exporter.
      await fh.chmod(0o644);
      const pieces = typeof content === 'string' ? [content] : content;
      for await (const piece of pieces) {
        const buf = Buffer.from(piece, 'utf8');
        // A write may take fewer bytes than given (a disk filling up): write the rest, or fail.
        for (let off = 0; off < buf.length; ) {
          const { bytesWritten } = await fh.write(buf, off, buf.length - off);
          if (bytesWritten === 0) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
          off += bytesWritten;
        }
        bytes += buf.length;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    renameSync(tmp, path);
    fsyncDir(dir);
    return { ok: true, path, bytes };
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The directory itself is the problem; there is no temp file to remove.
    }
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      path,
      detail:
        `cannot write the textfile ${path} (${e.code ?? e.message}); check that ${dir} exists and is writable, or ` +
        `change monitor.textfile.path`,
    };
  }
}

/**
 * The store monitor: is every agent's auth store readable, parseable, private (mode 0600)
 * and free of locks left by a dead holder? Every 5 minutes by default. On a database
 * backend it reports whether each agent's store reads there (mode and lock files are the
 * database's business: its locks die with the session that held them).
 */
import { statSync } from 'node:fs';
import { lockHolderDead, LOCK_STALE_MS, readLockOwner } from '../src/store/lock.js';
import type { StoreBackend } from '../src/store/backends/types.js';
import { readStore } from '../src/store/read.js';
import type { MonitorImpl, StoreObservation } from './types.js';

/** Problems of one store file at `now` (one `ok` observation when there are none). */
export function checkStore(agent: string, path: string, now: number): StoreObservation[] {
  const out: StoreObservation[] = [];
  const read = readStore(path);
  if (!read.ok) {
    out.push({
      kind: 'store',
      agent,
      path,
      ok: false,
      reason: read.reason,
      detail: `${read.detail}; run \`aipro doctor\``,
    });
  } else if (read.exists) {
    try {
      const mode = statSync(path).mode & 0o777;
      if (mode & 0o077) {
        out.push({
          kind: 'store',
          agent,
          path,
          ok: false,
          reason: 'mode',
          detail:
            `mode ${mode.toString(8).padStart(4, '0')} lets other users read secrets; run \`chmod 600 ${path}\` or ` +
            `\`aipro doctor --fix\``,
        });
      }
    } catch {
      // Vanished between the read and the stat: the next run sees the new state.
    }
  }
  const lockDir = `${path}.lock`;
  // A lock whose holder is alive is in use, however long it takes; one whose holder died is stale.
  if (lockHolderDead(lockDir, now)) {
    const owner = readLockOwner(lockDir);
    let age = 0;
    try {
      age = now - statSync(lockDir).mtimeMs;
    } catch {
      // Released between the two looks.
    }
    out.push({
      kind: 'store',
      agent,
      path,
      ok: false,
      reason: 'stale_lock',
      detail:
        (owner
          ? `lock ${lockDir} was left by process ${owner.pid}, which is gone`
          : `lock ${lockDir} is ${Math.round(age / 1000)} s old (stale after ${LOCK_STALE_MS / 1000} s)`) +
        '; run `aipro doctor --fix`',
    });
  }
  return out.length > 0 ? out : [{ kind: 'store', agent, path, ok: true, reason: 'ok' }];
}

/** Whether one agent's store reads through `backend` (one observation). */
export async function checkBackendStore(
  backend: StoreBackend,
  agent: { id: string; storePath: string },
): Promise<StoreObservation> {
  const read = await backend.read(agent);
  if (read.ok) return { kind: 'store', agent: agent.id, path: read.path, ok: true, reason: 'ok' };
  return { kind: 'store', agent: agent.id, path: read.path, ok: false, reason: read.reason, detail: read.detail };
}

export const store: MonitorImpl = {
  name: 'store',
  async run(ctx) {
    const backend = ctx.store;
    if (backend && backend.kind !== 'file') {
      const out: StoreObservation[] = [];
      for (const a of ctx.agents) out.push(await checkBackendStore(backend, a));
      return out;
    }
    const now = ctx.now();
    return ctx.agents.flatMap((a) => checkStore(a.id, a.storePath, now));
  },
};

/**
 * The store monitor: is every agent's auth store readable, parseable, private (mode 0600)
 * and free of stale locks? Local only; every 5 minutes by default.
 */
import { statSync } from 'node:fs';
import { LOCK_STALE_MS } from '../src/store/lock.js';
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
  try {
    const lock = statSync(`${path}.lock`);
    const age = now - lock.mtimeMs;
    if (age > LOCK_STALE_MS) {
      out.push({
        kind: 'store',
        agent,
        path,
        ok: false,
        reason: 'stale_lock',
        detail:
          `lock ${path}.lock is ${Math.round(age / 1000)} s old (stale after ${LOCK_STALE_MS / 1000} s); run \`aipro ` +
          `doctor --fix\``,
      });
    }
  } catch {
    // No lock: the usual case.
  }
  return out.length > 0 ? out : [{ kind: 'store', agent, path, ok: true, reason: 'ok' }];
}

export const store: MonitorImpl = {
  name: 'store',
  async run(ctx) {
    const now = ctx.now();
    return ctx.agents.flatMap((a) => checkStore(a.id, a.storePath, now));
  },
};

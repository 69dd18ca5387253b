/**
 * What `aipro doctor --fix` may do, and nothing else: tighten modes, remove stale locks,
 * and, with consent, put back the last good copy of a store that does not parse (the
 * broken file is kept beside it). It never edits, adds or removes a credential.
 */
import { chmodSync, readFileSync, renameSync } from 'node:fs';
import { lockHolderDead, readLockOwner, takeOverDeadLock, withLock } from '../store/lock.js';
import { parseStoreBytes, readStore } from '../store/read.js';
import { writeFileDurable } from '../store/write.js';
import { octal, type Repair } from './context.js';

export interface RepairOutcome {
  repair: Repair;
  done: boolean;
  detail: string;
}

/** Ask before restoring a store (`--yes` answers for the operator). */
export type Consent = (question: string) => Promise<boolean>;

async function restore(path: string, now: number): Promise<RepairOutcome> {
  const repair: Repair = { kind: 'restore', path };
  return withLock(path, async () => {
    if (readStore(path).ok) return { repair, done: false, detail: `${path} parses now; nothing restored` };
    const bak = readFileSync(`${path}.bak`);
    const parsed = parseStoreBytes(bak, `${path}.bak`);
    if (!parsed.ok)
      return { repair, done: false, detail: `${path}.bak does not parse either (${parsed.detail}); nothing restored` };
    const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, aside);
    chmodSync(aside, 0o600);
    await writeFileDurable(path, bak.toString('utf8'));
    return { repair, done: true, detail: `restored ${path} from ${path}.bak (the broken file is kept as ${aside})` };
  });
}

/** Apply one repair. Expected failures come back as `done: false` with the reason. */
export async function applyRepair(repair: Repair, consent: Consent, now: number): Promise<RepairOutcome> {
  try {
    switch (repair.kind) {
      case 'chmod':
        chmodSync(repair.path, repair.mode);
        return { repair, done: true, detail: `chmod ${octal(repair.mode).slice(1)} ${repair.path}` };
      case 'unlock': {
        // Re-check under the takeover guard: a lock whose holder runs is never removed here.
        if (
          !lockHolderDead(repair.path, now) ||
          !takeOverDeadLock(repair.path, readLockOwner(repair.path)?.nonce ?? null)
        ) {
          return { repair, done: false, detail: `${repair.path} is in use again; left alone` };
        }
        return { repair, done: true, detail: `removed stale lock ${repair.path}` };
      }
      case 'restore':
        if (!(await consent(`Restore ${repair.path} from ${repair.path}.bak? The broken file is kept beside it.`))) {
          return {
            repair,
            done: false,
            detail: `not restored: needs consent (answer yes on a terminal, or pass --yes)`,
          };
        }
        return await restore(repair.path, now);
    }
  } catch (err) {
    return { repair, done: false, detail: `could not repair ${repair.path}: ${(err as Error).message}` };
  }
}

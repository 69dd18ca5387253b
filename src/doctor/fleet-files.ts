/**
 * Store files left on a host that moved to the fleet store. Nothing reads them any more
 * (store.backend is postgres), so a credential only they hold is silently out of service:
 * say so, and whether `aipro store copy` still has something to bring in.
 */
import { mergeForCopy } from '../store/copy.js';
import { readStore, type StoreRead } from '../store/read.js';
import type { Finding } from './context.js';
import type { DoctorAgent } from './stores.js';

export function leftoverFileChecks(agents: DoctorAgent[], fleetReads: Map<string, StoreRead>): Finding[] {
  const out: Finding[] = [];
  for (const agent of agents) {
    const file = readStore(agent.storePath);
    if (file.ok && !file.exists) continue;
    const flag = agent.isDefault ? '' : ` --agent ${agent.id}`;
    const base = { id: 'fleet.file', agent: agent.id, path: agent.storePath };
    if (!file.ok) {
      out.push({
        ...base,
        level: 'warn',
        summary: `agent ${agent.id}: ${agent.storePath} is not used (store.backend is postgres) and does not parse: ${file.detail}`,
        fix: `move it away (mv ${agent.storePath} ${agent.storePath}.old); the fleet store is not affected`,
      });
      continue;
    }
    const fleet = fleetReads.get(agent.id);
    // Unknown when the database could not be read: the fleet.* findings above say why.
    if (!fleet?.ok) continue;
    const n = Object.keys(file.store.profiles).length;
    const pending = mergeForCopy(file.store, fleet.store, fleet.exists);
    out.push(
      pending.store === null || pending.copied.length === 0
        ? {
            ...base,
            level: 'ok',
            summary: `agent ${agent.id}: ${agent.storePath} (${n} profiles) is not used (store.backend is postgres); the fleet store holds all of it, so it may be moved away`,
          }
        : {
            ...base,
            level: 'warn',
            summary:
              `agent ${agent.id}: ${agent.storePath} is not used (store.backend is postgres); the fleet store ` +
              `lacks (or holds another version of) ${pending.copied.join(', ')}`,
            fix:
              `copy it in: aipro store copy --from file --to postgres${flag} (the file's version replaces the ` +
              `fleet's unless the fleet's expires later); or move the file away if those are obsolete`,
          },
    );
  }
  return out;
}

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
        summary:
          `agent ${agent.id}: ${agent.storePath} is not used (store.backend is postgres) and does not parse: ` +
          file.detail,
        fix: `move it away (mv ${agent.storePath} ${agent.storePath}.old); the fleet store is not affected`,
      });
      continue;
    }
    const fleet = fleetReads.get(agent.id);
    // Unknown when the database could not be read: the fleet.* findings above say why.
    if (!fleet?.ok) continue;
    const n = Object.keys(file.store.profiles).length;
    const unused = `agent ${agent.id}: ${agent.storePath} (${n} profiles) is not used (store.backend is postgres)`;
    // Only a profile the fleet lacks is out of service; one the fleet holds in another version is
    // served from the fleet (a key there may be the newer one even without an expiry to compare).
    const lacking = Object.keys(file.store.profiles).filter((id) => !Object.hasOwn(fleet.store.profiles, id));
    const other = mergeForCopy(file.store, fleet.store, fleet.exists).copied.filter((id) => !lacking.includes(id));
    if (lacking.length > 0)
      out.push({
        ...base,
        level: 'warn',
        summary: `${unused}, and the fleet store lacks ${lacking.join(', ')}: no host uses them`,
        fix:
          `copy them in: aipro store copy --from file --to postgres${flag} (profiles the fleet holds in ` +
          "another version are replaced unless the fleet's expires later); or move the file away if they are obsolete",
      });
    else
      out.push({
        ...base,
        level: 'ok',
        summary:
          other.length > 0
            ? `${unused}; the fleet store holds other versions of ${other.join(', ')}, which are the ones in use; ` +
              'the file may be moved away'
            : `${unused}; the fleet store holds all of it, so it may be moved away`,
      });
  }
  return out;
}

/**
 * Key rotation: re-seal every secret under the new key in one transaction. A value that
 * opens with neither the new nor the old key stops the whole rotation (nothing changes),
 * so a wrong old key can never leave the store half under one key and half under another.
 * Values stored plain (`encryption: none`) are sealed too: rekey is also how a store
 * moves from `none` to sealed.
 */
import type pg from 'pg';
import { inTransaction } from './connect.js';
import { aadFor, seal, sealedKeyId, unseal, type StoreKey } from './seal.js';

export interface RekeyResult {
  resealed: number;
  alreadyCurrent: number;
  profiles: number;
}

export async function rekey(
  pool: pg.Pool,
  schema: string,
  newKey: StoreKey,
  oldKeys: (StoreKey | null)[],
): Promise<RekeyResult> {
  const out: RekeyResult = { resealed: 0, alreadyCurrent: 0, profiles: 0 };
  return inTransaction(pool, 'BEGIN', async (c) => {
    // Writers wait until the rotation commits; readers carry on with the old envelopes.
    await c.query(`LOCK TABLE ${schema}.profiles IN EXCLUSIVE MODE`);
    const rows = await c.query(`SELECT agent, profile_id, secrets FROM ${schema}.profiles ORDER BY agent, profile_id`);
    for (const r of rows.rows as { agent: string; profile_id: string; secrets: Record<string, string> }[]) {
      const next: Record<string, string> = {};
      let changed = false;
      for (const [field, env] of Object.entries(r.secrets)) {
        if (sealedKeyId(env) === newKey.id) {
          next[field] = env;
          out.alreadyCurrent++;
          continue;
        }
        const aad = aadFor(r.agent, r.profile_id, field);
        const open = unseal(env, [newKey, ...oldKeys], aad);
        if (!open.ok)
          throw new Error(
            `agent ${r.agent}, profile ${r.profile_id}, field ${field}: ${open.detail}; give the key it is sealed ` +
              `under in AIPRO_STORE_OLD_KEY. Nothing was changed`,
          );
        next[field] = seal(open.value, newKey, aad);
        out.resealed++;
        changed = true;
      }
      out.profiles++;
      if (changed)
        await c.query(
          `UPDATE ${schema}.profiles SET secrets = $3, updated_at = now() WHERE agent = $1 AND profile_id = $2`,
          [r.agent, r.profile_id, JSON.stringify(next)],
        );
    }
    return out;
  });
}

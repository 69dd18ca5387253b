/**
 * Writing one agent's rows inside the caller's transaction: only profiles and stats that
 * changed are rewritten (a secret is re-sealed only when it changed), removed ones are
 * deleted, the small order/lastGood maps are replaced whole.
 */
import type pg from 'pg';
import type { StoreRows } from './rows.js';

type SealFn = (profileId: string, field: string, plain: string) => string;

const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b);

export async function writeRows(
  c: pg.PoolClient,
  s: string,
  agent: string,
  old: StoreRows | null,
  next: StoreRows,
  sealFn: SealFn,
): Promise<void> {
  await c.query(
    `INSERT INTO ${s}.agents (agent, layout) VALUES ($1, $2) ON CONFLICT (agent) DO UPDATE SET layout = ` +
      `excluded.layout, updated_at = now()`,
    [agent, JSON.stringify(next.layout)],
  );
  const oldProfiles = new Map((old?.profiles ?? []).map((p) => [p.profileId, p]));
  for (const p of next.profiles) {
    const o = oldProfiles.get(p.profileId);
    if (o && o.fields === p.fields && o.position === p.position && same(o.secrets, p.secrets)) continue;
    const sealed = Object.fromEntries(Object.entries(p.secrets).map(([f, v]) => [f, sealFn(p.profileId, f, v)]));
    await c.query(
      `INSERT INTO ${s}.profiles (agent, profile_id, position, provider, type, expires, fields, secrets)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (agent, profile_id) DO UPDATE SET position = excluded.position, provider = excluded.provider,
         type = excluded.type,
         expires = excluded.expires, fields = excluded.fields, secrets = excluded.secrets, updated_at = now()`,
      [agent, p.profileId, p.position, p.provider, p.type, p.expires, p.fields, JSON.stringify(sealed)],
    );
  }
  await c.query(`DELETE FROM ${s}.profiles WHERE agent = $1 AND NOT (profile_id = ANY($2::text[]))`, [
    agent,
    next.profiles.map((p) => p.profileId),
  ]);

  const oldUsage = new Map((old?.usage ?? []).map((u) => [u.profileId, u]));
  for (const u of next.usage) {
    const o = oldUsage.get(u.profileId);
    if (o && o.stats === u.stats && o.position === u.position) continue;
    await c.query(
      `INSERT INTO ${s}.usage_stats (agent, profile_id, position, cooldown_until, disabled_until, stats)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (agent, profile_id) DO UPDATE SET position = excluded.position,
         cooldown_until = excluded.cooldown_until,
         disabled_until = excluded.disabled_until, stats = excluded.stats, updated_at = now()`,
      [agent, u.profileId, u.position, u.cooldownUntil, u.disabledUntil, u.stats],
    );
  }
  await c.query(`DELETE FROM ${s}.usage_stats WHERE agent = $1 AND NOT (profile_id = ANY($2::text[]))`, [
    agent,
    next.usage.map((u) => u.profileId),
  ]);

  await c.query(`DELETE FROM ${s}.provider_order WHERE agent = $1`, [agent]);
  for (const o of next.order) {
    await c.query(`INSERT INTO ${s}.provider_order (agent, provider, position, profile_ids) VALUES ($1, $2, $3, $4)`, [
      agent,
      o.provider,
      o.position,
      o.ids,
    ]);
  }
  await c.query(`DELETE FROM ${s}.last_good WHERE agent = $1`, [agent]);
  for (const g of next.lastGood) {
    await c.query(`INSERT INTO ${s}.last_good (agent, provider, position, profile_id) VALUES ($1, $2, $3, $4)`, [
      agent,
      g.provider,
      g.position,
      g.profileId,
    ]);
  }
}

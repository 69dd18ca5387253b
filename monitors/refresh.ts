/**
 * The refresh monitor: refreshes OAuth access tokens ahead of expiry (`auth.refreshSkewMs`)
 * under the per-profile lock, so a gateway never meets an expired token. A permanent
 * refusal is recorded (status `refresh_failed`, alert); transient failures retry on the
 * next run while the current access token stays in use. On a fleet store only the leader runs
 * it, and each refresh holds the fleet-wide lock of its profile. Profiles imported from Claude
 * Code or Codex are not refreshed but re-read from their source (the CLI refreshes them).
 */
import { originOf } from '../src/oauth/import.js';
import { needsRefresh, refreshProfile, type RefreshResult } from '../src/oauth/refresh.js';
import { readStore } from '../src/store/read.js';
import type { MonitorImpl, Observation } from './types.js';

export const refresh: MonitorImpl = {
  name: 'refresh',
  async run(ctx) {
    const obs: Observation[] = [];
    for (const agent of ctx.agents) {
      const read = ctx.store ? await ctx.store.read(agent) : readStore(agent.storePath);
      if (!read.ok) continue; // the store monitor reports unreadable stores
      for (const [id, p] of Object.entries(read.store.profiles)) {
        if (ctx.signal?.aborted) return obs;
        if (!needsRefresh(p, ctx.now(), ctx.config.auth.refreshSkewMs)) continue;
        // A refusal we already recorded stays refused until someone logs in again; an
        // imported profile may still pick up the CLI's newer login from its source.
        const last = read.store.usageStats?.[id]?.lastRefresh;
        if (last && !last.ok && last.permanent && !originOf(p)) continue;
        const r = await refreshProfile({
          storePath: agent.storePath,
          profileId: id,
          config: ctx.config,
          env: ctx.env,
          now: ctx.now,
          ...(ctx.store ? { store: { backend: ctx.store, agentId: agent.id } } : {}),
        }).catch((err: Error): RefreshResult => {
          // A fleet store that went away mid-run: a transient failure, retried next run.
          if (err.name !== 'StoreUnavailableError') throw err;
          return { ok: false, reason: 'store', permanent: false, detail: err.message };
        });
        const result = r.ok ? (r.refreshed ? 'ok' : 'skipped') : r.permanent ? 'failed' : 'error';
        obs.push({
          kind: 'refresh',
          agent: agent.id,
          provider: p.provider,
          profile: id,
          result,
          ...(r.ok ? {} : { detail: r.detail }),
        });
        if (!r.ok)
          ctx.log[r.permanent ? 'error' : 'warn']('oauth_refresh_failed', {
            agent: agent.id,
            profile: id,
            reason: r.reason,
            permanent: r.permanent,
          });
        else if (r.refreshed)
          ctx.log.info(r.synced ? 'oauth_resynced' : 'oauth_refreshed', { agent: agent.id, profile: id });
      }
    }
    return obs;
  },
};

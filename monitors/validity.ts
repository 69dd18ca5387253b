/**
 * The validity monitor: live probes of every credential (default every 30 minutes).
 * OAuth access tokens that are due are refreshed first, so an expired-but-refreshable
 * token is not mistaken for a rejected one. Results are stored as `lastProbe`, which the
 * expiry monitor's status (`rejected`) and `models status` read back.
 */
import { probeAgents } from './probe-agents.js';
import { probeKey } from '../src/providers/probe.js';
import type { MonitorImpl, Observation } from './types.js';

export const validity: MonitorImpl = {
  name: 'validity',
  async run(ctx) {
    const out = await probeAgents({
      agents: ctx.agents,
      config: ctx.config,
      env: ctx.env,
      now: ctx.now,
      timeoutMs: ctx.config.monitor.probe.timeoutMs,
      concurrency: Math.max(1, ctx.config.monitor.probe.concurrency),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.store ? { store: ctx.store } : {}),
    });
    const obs: Observation[] = [];
    for (const r of out.refreshes) {
      obs.push({
        kind: 'refresh',
        agent: r.agent,
        provider: r.provider,
        profile: r.profile,
        result: r.result.ok ? (r.result.refreshed ? 'ok' : 'skipped') : r.result.permanent ? 'failed' : 'error',
        ...(r.result.ok ? {} : { detail: r.result.detail }),
      });
    }
    for (const v of out.views) {
      const r = out.results.get(probeKey(v.agent, v.id));
      if (!r) continue;
      obs.push({
        kind: 'probe',
        agent: v.agent,
        provider: v.provider,
        profile: v.id,
        ok: r.ok,
        reason: r.reason,
        latencyMs: r.latencyMs,
        ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
      });
      if (!r.ok)
        ctx.log.warn('probe_failed', {
          agent: v.agent,
          profile: v.id,
          reason: r.reason,
          httpStatus: r.httpStatus,
          requestId: r.requestId,
        });
    }
    for (const e of out.errors) ctx.log.error('validity_store_error', { detail: e });
    return obs;
  },
};

/**
 * `models status --probe`: check every credential live against its provider, store
 * the results (so plain `models status` and the monitor show them later), and hand
 * back fresh reports judged with those results (a refused credential is `rejected`).
 */
import { reportSettings } from '../config/models.js';
import { probeAgents } from '../../monitors/probe-agents.js';
import { agentReport, type AgentReport } from '../store/report.js';
import { resolveAgent, type Context } from '../context.js';
import { withBackend } from './store-backend.js';
import { usageError } from './errors.js';
import type { StatusOptions } from './models-status.js';
import { io, type Out } from './io.js';

function positiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw usageError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

/** A single progress line on stderr, only when a person is watching. */
function progressLine(stream: Out): { update(done: number, total: number): void; clear(): void } {
  if (!stream.isTTY) return { update() {}, clear() {} };
  let shown = false;
  return {
    update(done, total) {
      if (total === 0) return;
      shown = true;
      stream.write(`\r\u001b[2Kprobing credentials ${done}/${total}…`);
    },
    clear() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/** Probe, persist, and rebuild the reports. Exported signature is used by models-status.ts. */
export async function probeReports(
  ctx: Context,
  reports: AgentReport[],
  opts: StatusOptions,
  o: { warnMs: number },
): Promise<AgentReport[]> {
  const timeoutMs = positiveInt('--timeout', opts.timeout, ctx.config.monitor.probe.timeoutMs, 600_000);
  const concurrency = positiveInt('--concurrency', opts.concurrency, ctx.config.monitor.probe.concurrency, 256);
  const agents = reports.filter((r) => !r.storeError).map((r) => resolveAgent(ctx, r.agent));
  const progress = progressLine(io().stderr);
  return withBackend(ctx, async (store) => {
    const out = await probeAgents({
      store,
      agents,
      config: ctx.config,
      env: ctx.env,
      now: ctx.now,
      timeoutMs,
      concurrency,
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.clear();
    for (const e of out.errors) io().stderr.write(`warning: ${e}\n`);
    for (const r of out.refreshes) {
      if (!r.result.ok) io().stderr.write(`warning: ${r.result.detail}\n`);
    }
    const now = ctx.now();
    return Promise.all(
      reports.map(async (r) => {
        if (r.storeError) return r;
        const agent = resolveAgent(ctx, r.agent);
        const read = await store.read(agent);
        return agentReport(
          store.kind === 'file' ? agent : { ...agent, storePath: store.describe(agent) },
          reportSettings(ctx.config),
          ctx.env,
          { now, warnMs: o.warnMs, ...(opts.provider ? { provider: opts.provider } : {}) },
          read,
        );
      }),
    );
  });
}

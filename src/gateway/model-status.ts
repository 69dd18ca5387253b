/**
 * `/model status`: the current model and where it came from, the candidates in the
 * order they are tried, the next auth profile and the endpoint of each, and cooldowns.
 * A pinned profile that is cooling down is still used; the reply says so.
 */
import { collectCredentials } from '../store/credentials.js';
import { unavailableUntil } from '../store/order.js';
import { quotaBlock } from '../store/quota.js';
import { status } from '../store/status.js';
import { formatDuration, isoUtc } from '../util/duration.js';
import type { ClientApi } from './apis/index.js';
import { candidatesFor, primaryModel } from './candidates.js';
import type { CommandInput } from './model-replies.js';
import { buildPlan } from './plan.js';
import type { Runtime } from './runtime.js';

const SOURCE_TEXT = {
  session: 'chosen in this session with /model',
  request: 'named by the request',
  default: 'models.default',
} as const;

/** The `/model status` text for one session. */
export function describeStatus(rt: Runtime, api: ClientApi, input: CommandInput): string {
  const now = rt.now();
  const warnMs = rt.config.auth.warnHours * 3_600_000;
  const { agent, store, session } = input;
  const primary = primaryModel(session?.model, input.requested, rt.config, api.id);
  if (!primary.ok) return `No current model: ${primary.detail}.`;
  const candidates = candidatesFor(primary.ref, rt.config);
  const pin = session?.profile;
  const plan = buildPlan({ api, candidates, store, agent, config: rt.config, now, ...(pin ? { pin } : {}) });
  const stats = store.usageStats ?? {};
  const views = new Map(collectCredentials(agent.id, store, agent.env).map((v) => [v.id, v]));
  const cooling = (id: string) => unavailableUntil(stats[id], now);
  const spent = (id: string) => quotaBlock(stats[id], now);
  /** Why a profile is unavailable: billing disable, a spent quota window, or a failure cooldown. */
  const whyCooling = (id: string) => {
    const q = spent(id);
    if ((stats[id]?.disabledUntil ?? 0) > now) return `disabled: ${stats[id]?.disabledReason ?? 'billing'}`;
    if (q && q.until >= cooling(id)) return `quota ${q.window} spent, the provider's reset`;
    return `last failure: ${String(stats[id]?.lastFailureReason ?? 'error')}`;
  };

  const lines = [`/model status — agent ${agent.id}, session ${input.sessionId}`];
  const broken = agent.sessions.problem();
  if (broken) lines.push(`⚠ session choices cannot be read (${broken}); fix or delete the file`);
  lines.push(
    `Current model: ${candidates[0]?.ref} ` +
      `(${SOURCE_TEXT[primary.source]}${primary.source === 'session' && session?.label ? ` ${session.label}` : ''})`,
  );
  if (pin) {
    lines.push(`Pinned auth profile: ${pin}`);
    const until = cooling(pin);
    if (until > 0) {
      const why = whyCooling(pin);
      lines.push(
        `⚠ WARNING: pinned profile ${pin} is cooling down until ${isoUtc(until)} (${formatDuration(until - now)} ` +
          `left, ${why}); it is still used first because you pinned it. \`/model ` +
          `${session?.label ?? candidates[0]?.ref}\` (without @) unpins it.`,
      );
    }
  }
  lines.push('', 'Candidates, in the order they are tried:');
  candidates.forEach((c, i) => {
    lines.push(`${i + 1}. ${c.ref} (${c.role})`);
    const skip = plan.skips.find((s) => s.model === c.ref && !s.profile);
    if (c.endpoint) {
      const path = api.upstreamPath(c.endpoint.api);
      lines.push(
        `   endpoint: ` +
          `${path ? `${c.endpoint.baseUrl}${path}` : `${c.endpoint.baseUrl} (not reachable from ${api.route})`} ` +
          `(${c.endpoint.api} API)`,
      );
    }
    if (skip) {
      lines.push(`   skipped: ${skip.detail}`);
      return;
    }
    const order = plan.orders[c.ref] ?? [];
    const next = plan.tries.find((t) => t.candidate.ref === c.ref);
    lines.push(`   next auth profile: ${next ? `${next.profileId}${next.pinned ? ' (pinned)' : ''}` : 'none usable'}`);
    const desc = order.map((id) => {
      const v = views.get(id);
      const bits = [
        v?.type ?? 'unknown',
        ...(id === pin ? ['pinned'] : []),
        v ? status(v, now, warnMs).status : 'missing',
      ];
      const until = cooling(id);
      const q = spent(id);
      if (q && q.until >= until) bits.push(`quota ${q.window} spent until ${isoUtc(q.until)}`);
      else if (until > 0)
        bits.push(`${(stats[id]?.disabledUntil ?? 0) > now ? 'disabled' : 'cooldown'} ${formatDuration(until - now)}`);
      return `${id} [${bits.join(', ')}]`;
    });
    lines.push(`   profiles: ${desc.join(', ')}`);
  });
  const cooldowns = Object.keys(stats)
    .filter((id) => cooling(id) > 0)
    .map((id) => `${id} until ${isoUtc(cooling(id))} (${whyCooling(id)})`);
  lines.push('', `Cooldowns: ${cooldowns.length ? cooldowns.join('; ') : 'none'}`);
  return lines.join('\n');
}

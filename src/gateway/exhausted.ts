/**
 * The error a client gets when no credential of any candidate model could serve the
 * request: every profile tried and why, what was skipped, and the next command. Pure.
 */
import { isoUtc } from '../util/duration.js';
import type { Skip } from './plan.js';

/** One profile the gateway tried (or a candidate it could not try). */
export interface Attempt {
  model: string;
  profile?: string;
  reason: string;
  status?: number;
  detail?: string;
  hint?: string;
  coolingUntil?: number;
}

/** The final error: HTTP status, bounded kind, message and structured attempts. */
export interface Exhausted {
  status: number;
  kind: string;
  message: string;
  retryAfterS?: number;
  extra: Record<string, unknown>;
}

/** The command every "all failed" error points to. */
export const NEXT_COMMAND = 'aipro models status --probe';

function describe(a: Attempt): string {
  const head = a.profile ? `${a.profile} (${a.model})` : a.model;
  const bits = [a.reason, ...(a.status ? [`HTTP ${a.status}`] : [])].join(', ');
  return `${head}: ${bits}${a.detail ? ` — ${a.detail}` : ''}${a.hint ? ` (${a.hint})` : ''}`;
}

/** Build the "nothing left" error from the attempts and skips of one request. Pure. */
export function exhaustedError(agent: string, primary: string, attempts: Attempt[], skips: Skip[], now: number): Exhausted {
  const all: Attempt[] = [...attempts, ...skips.map((s) => ({ model: s.model, reason: s.reason, detail: s.detail, ...(s.profile ? { profile: s.profile } : {}) }))];
  const tried = attempts.filter((a) => a.profile && a.status !== undefined);
  const onlyRateLimits = tried.length > 0 && tried.every((a) => a.reason === 'rate_limit' || a.reason === 'overloaded');
  const nothingTried = attempts.length === 0;
  const status = nothingTried ? 503 : onlyRateLimits ? 429 : 502;
  const kind = nothingTried ? 'no_credentials' : onlyRateLimits ? 'rate_limit' : 'upstream_failed';
  const cooling = attempts.map((a) => a.coolingUntil ?? 0).filter((t) => t > now);
  const retryAfterS = onlyRateLimits && cooling.length ? Math.max(1, Math.ceil((Math.min(...cooling) - now) / 1000)) : undefined;
  const lead = nothingTried
    ? `aipro gateway (agent ${agent}) has no usable credential for ${primary} or its fallbacks.`
    : `aipro gateway (agent ${agent}) could not serve ${primary}: every credential failed.`;
  const next = nothingTried
    ? `Next: run \`aipro models status\` to see what is missing, then add a credential (e.g. \`aipro models auth add-key --provider ${primary.split('/')[0]}\`).`
    : `Next: run \`${NEXT_COMMAND}\` to check each credential live${retryAfterS ? `, or retry in ${retryAfterS}s when the cooldown ends` : ''}.`;
  const message = `${lead} Tried: ${all.map(describe).join('; ') || 'nothing'}. ${next}`;
  return {
    status,
    kind,
    message,
    ...(retryAfterS ? { retryAfterS } : {}),
    extra: {
      agent,
      model: primary,
      attempts: all.map((a) => ({ ...a, ...(a.coolingUntil ? { coolingUntil: isoUtc(a.coolingUntil) } : {}) })),
      next: nothingTried ? 'aipro models status' : NEXT_COMMAND,
    },
  };
}

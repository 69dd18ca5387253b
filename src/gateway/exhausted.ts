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
  /** When the upstream said this credential may be used again (retry-after, reset headers). */
  retryAt?: number;
  /** The endpoint gave no HTTP answer (refused, DNS, TLS): not the credential's fault. */
  endpoint?: boolean;
}

/** The final error: HTTP status, bounded kind, message and structured attempts. */
export interface Exhausted {
  status: number;
  kind: string;
  message: string;
  retryAfterS?: number;
  /** False when no retry can succeed (every credential refused for good): `x-should-retry: false`. */
  shouldRetry: boolean;
  extra: Record<string, unknown>;
}

/**
 * Reasons no retry of the same request can cure: the credential was refused (auth,
 * billing), is unusable, or nothing could serve the model at all.
 */
const FINAL = new Set([
  'auth',
  'auth_permanent',
  'billing',
  'disabled',
  'invalid',
  'expired',
  'no_credentials',
  'unknown_provider',
  'unsupported_api',
]);

/**
 * Seconds until the earliest credential that may succeed is usable again: the upstream's
 * own word first, else its cooldown. Undefined when none is known.
 */
export function retryAfterSeconds(attempts: Attempt[], now: number): number | undefined {
  const times = attempts
    .filter((a) => !FINAL.has(a.reason))
    .map((a) => a.retryAt ?? a.coolingUntil ?? 0)
    .filter((t) => t > now);
  return times.length ? Math.max(1, Math.ceil((Math.min(...times) - now) / 1000)) : undefined;
}

/** The command every "all failed" error points to. */
export const NEXT_COMMAND = 'aipro models status --probe';

function describe(a: Attempt): string {
  const head = a.profile ? `${a.profile} (${a.model})` : a.model;
  const bits = [a.reason, ...(a.status ? [`HTTP ${a.status}`] : [])].join(', ');
  return `${head}: ${bits}${a.detail ? ` — ${a.detail}` : ''}${a.hint ? ` (${a.hint})` : ''}`;
}

/** Build the "nothing left" error from the attempts and skips of one request. Pure. */
export function exhaustedError(
  agent: string,
  primary: string,
  attempts: Attempt[],
  skips: Skip[],
  now: number,
): Exhausted {
  const all: Attempt[] = [
    ...attempts,
    ...skips.map((s) => ({
      model: s.model,
      reason: s.reason,
      detail: s.detail,
      ...(s.profile ? { profile: s.profile } : {}),
      ...(s.until ? { retryAt: s.until } : {}),
    })),
  ];
  const tried = attempts.filter((a) => a.profile && a.status !== undefined);
  const spent = all.filter((a) => a.reason === 'quota_exhausted');
  // Every credential is rate limited or has its quota spent: a 429 that says when the first one is back.
  const quotaOnly =
    attempts.length === 0 &&
    spent.length > 0 &&
    skips.every((s) => s.reason === 'quota_exhausted' || s.reason === 'disabled');
  const onlyRateLimits =
    quotaOnly || (tried.length > 0 && tried.every((a) => a.reason === 'rate_limit' || a.reason === 'overloaded'));
  const nothingTried = attempts.length === 0 && !quotaOnly;
  const unreachable = attempts.length > 0 && attempts.every((a) => a.endpoint);
  const status = nothingTried ? 503 : onlyRateLimits ? 429 : 502;
  const kind = nothingTried
    ? 'no_credentials'
    : onlyRateLimits
      ? 'rate_limit'
      : unreachable
        ? 'upstream_unreachable'
        : 'upstream_failed';
  const shouldRetry = !all.every((a) => FINAL.has(a.reason));
  const retryAfterS = shouldRetry ? retryAfterSeconds([...attempts, ...spent], now) : undefined;
  const lead = nothingTried
    ? `aipro gateway (agent ${agent}) has no usable credential for ${primary} or its fallbacks.`
    : quotaOnly
      ? `aipro gateway (agent ${agent}) could not serve ${primary}: the quota of every credential is spent until its ` +
        `provider's reset.`
      : unreachable
        ? `aipro gateway (agent ${agent}) could not reach the upstream for ${primary}: no HTTP answer (no credential ` +
          `was cooled down).`
        : `aipro gateway (agent ${agent}) could not serve ${primary}: every credential failed.`;
  // A model whose provider aipro does not know needs config, not a credential.
  const unknownProvider = skips.find((s) => s.reason === 'unknown_provider');
  const next =
    nothingTried && unknownProvider && skips.every((s) => s.reason === 'unknown_provider')
      ? `Next: point aipro at that provider (\`aipro config set ` +
        `models.providers.${unknownProvider.model.split('/')[0]}.baseUrl URL\`, any OpenAI-compatible server), or ` +
        `name a model of a configured provider (\`aipro config get models\`).`
      : nothingTried
        ? `Next: run \`aipro models status\` to see what is missing, then add a credential (e.g. \`aipro models auth ` +
          `add-key --provider ${primary.split('/')[0]}\`).`
        : unreachable
          ? `Next: check the network path and models.providers.${primary.split('/')[0]}.baseUrl from this host (DNS, ` +
            `proxy, firewall, TLS).`
          : `Next: run \`${NEXT_COMMAND}\` to check each credential ` +
            `live${retryAfterS ? `, or retry in ${retryAfterS}s when a credential is usable again` : ''}.`;
  const message = `${lead} Tried: ${all.map(describe).join('; ') || 'nothing'}. ${next}`;
  return {
    status,
    kind,
    message,
    ...(retryAfterS ? { retryAfterS } : {}),
    shouldRetry,
    extra: {
      agent,
      model: primary,
      attempts: all.map((a) => ({
        ...a,
        ...(a.coolingUntil ? { coolingUntil: isoUtc(a.coolingUntil) } : {}),
        ...(a.retryAt ? { retryAt: isoUtc(a.retryAt) } : {}),
      })),
      next: nothingTried ? 'aipro models status' : NEXT_COMMAND,
    },
  };
}

/**
 * Credential status: ONE pure function and one vocabulary, used by `models status`,
 * the monitor, the metrics and the alerts alike.
 */
import { formatDuration } from '../util/duration.js';
import type { CredentialType, UsageStats } from './schema.js';
import type { SecretResolution } from './secrets.js';

export const STATUSES = [
  'ok',
  'expiring',
  'expired',
  'static',
  'invalid',
  'refresh_failed',
  'rejected',
  'missing',
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses that fail `--check` with exit 1. */
export const FAILING: ReadonlySet<Status> = new Set(['expired', 'missing', 'invalid', 'refresh_failed', 'rejected']);

export type CredentialSource = 'profile' | 'env' | 'config';

/** Everything the status function needs to know about one credential (already resolved). */
export interface CredentialView {
  agent: string;
  /** `<provider>:<name>`, or `<provider>:env` for an env var credential. */
  id: string;
  provider: string;
  /** `unknown` for a malformed profile whose type is not one aipro knows. */
  type: CredentialType | 'none' | 'unknown';
  source: CredentialSource;
  secret: SecretResolution;
  /** Problem with the secret's shape for its provider (null when fine). */
  shapeProblem: string | null;
  expires?: number;
  /** OAuth: the refresh token's end (epoch ms), when the provider stated it. */
  refreshExpires?: number;
  hasRefreshToken: boolean;
  stats?: UsageStats;
  /** sha256 prefix of the current secret: a stored probe result only counts for this secret. */
  secretHash?: string;
  email?: string;
  /** Why a stored profile did not parse (it is `invalid`, whatever else it holds). */
  malformed?: string;
  /** Provider account id (Codex sends it as `ChatGPT-Account-Id`). */
  accountId?: string;
  /** Env var name, for env credentials. */
  envVar?: string;
}

export interface StatusResult {
  status: Status;
  expiresAt?: number;
  remainingMs?: number;
  source: CredentialSource;
  detail: string;
}

const DAY = 86_400_000;

/** The last instant a JS Date can hold (ECMA-262 time value range). */
const MAX_DATE_MS = 8.64e15;
/** Epoch ms below this (March 1973) are almost surely epoch seconds written by mistake. */
const SECONDS_CUTOFF_MS = 1e11;

/** Why an `expires` value cannot be an expiry, or null when it is a usable epoch-ms timestamp. */
export function expiryProblem(e: unknown): string | null {
  if (typeof e !== 'number' || !Number.isInteger(e) || e <= 0 || e > MAX_DATE_MS) return 'expiry out of range';
  if (e < SECONDS_CUTOFF_MS) return 'expiry looks like seconds, not milliseconds';
  return null;
}

function validExpiry(e: unknown): e is number {
  return expiryProblem(e) === null;
}

/** "rejected by the provider (HTTP 401): <provider's words>", the status named once: probe details start with it. */
function rejectedDetail(httpStatus: number | undefined, detail: string | undefined): string {
  const code = httpStatus ? `HTTP ${httpStatus}` : '';
  const words = code && detail?.startsWith(code) ? detail.slice(code.length).replace(/^:\s*/, '') : detail;
  return `rejected by the provider${code ? ` (${code})` : ''}${words ? `: ${words}` : ''}`;
}

/** The status of one credential at `now` with a warn window of `warnMs`. Pure. */
export function status(view: CredentialView, now: number, warnMs: number = DAY): StatusResult {
  // One fresh object per result (no spreads of a shared base: the monitor judges 10,000 credentials a minute).
  const r = (status: Status, detail: string): StatusResult => ({ source: view.source, status, detail });
  if (view.type === 'none') return r('missing', 'no credential stored');
  if (view.malformed !== undefined || view.type === 'unknown')
    return r('invalid', view.malformed ?? 'unsupported credential type');
  if (!view.secret.ok) return r('invalid', view.secret.detail);
  if (view.shapeProblem) return r('invalid', view.shapeProblem);

  const probe = view.stats?.lastProbe;
  const probeCounts = probe && (!probe.secretHash || !view.secretHash || probe.secretHash === view.secretHash);
  const rejected =
    probeCounts && !probe.ok && (probe.reason === 'auth' || probe.reason === 'auth_permanent')
      ? r('rejected', rejectedDetail(probe.httpStatus, probe.detail))
      : null;

  const hasExpiry = view.expires !== undefined;
  if (hasExpiry && !validExpiry(view.expires)) {
    return r('invalid', `${expiryProblem(view.expires)} (expires: ${String(view.expires)})`);
  }
  const withTime = (s: StatusResult): StatusResult => {
    if (validExpiry(view.expires)) {
      s.expiresAt = view.expires;
      s.remainingMs = view.expires - now;
    }
    return s;
  };

  if (view.type === 'oauth' && view.hasRefreshToken) {
    const refresh = view.stats?.lastRefresh;
    if (refresh && !refresh.ok && refresh.permanent) {
      return withTime(r('refresh_failed', `refresh refused (${refresh.reason ?? 'invalid_grant'})`));
    }
    if (rejected) return withTime(rejected);
    if (!validExpiry(view.expires)) return r('ok', 'refreshes automatically');
    const left = view.expires - now;
    const detail =
      left > 0
        ? `access token expires in ${formatDuration(left)}, refreshes automatically`
        : `access token expired ${formatDuration(left)} ago, refreshes on next use`;
    return withTime(r('ok', detail));
  }

  if (!validExpiry(view.expires)) {
    if (view.type === 'oauth') return r('invalid', 'OAuth credential has no expiry and no refresh token');
    if (rejected) return rejected;
    return r(
      'static',
      view.type === 'api_key'
        ? 'API key (no expiry)'
        : 'token without expiry: expiry unknown, no alert will warn before it stops working',
    );
  }
  const left = view.expires - now;
  if (left <= 0) return withTime(r('expired', `expired ${formatDuration(left)} ago`));
  if (rejected) return withTime(rejected);
  if (left <= warnMs) return withTime(r('expiring', `expires in ${formatDuration(left)}`));
  return withTime(r('ok', `expires in ${formatDuration(left)}`));
}

/** Exit code of `--check` for a set of statuses: 1 beats 2 beats 0. */
export function checkExitCode(statuses: Iterable<Status>): 0 | 1 | 2 {
  let code: 0 | 1 | 2 = 0;
  for (const s of statuses) {
    if (FAILING.has(s)) return 1;
    if (s === 'expiring') code = 2;
  }
  return code;
}

/** Sort key: worst first (for printing offending profiles). */
export function severity(s: Status): number {
  if (FAILING.has(s)) return 2;
  return s === 'expiring' ? 1 : 0;
}

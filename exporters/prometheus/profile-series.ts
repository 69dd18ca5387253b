/**
 * One credential's per-profile series (info, status, expiry, probe, cooldown, OAuth refresh
 * timing) from its observation. Pure but for the metrics it mutates; the caller passes `now`.
 */
import type { CredentialObservation } from '../../monitors/types.js';
import { profileLabel } from '../../src/util/profile-label.js';
import { REFUSED_REASONS, VERDICT_REASONS } from './metrics.js';
import type { AiproMetrics } from './registry.js';

/** Key of one credential's series: agent + profile id (unique within an agent). */
export function profileKey(agent: string, profile: string): string {
  return `${agent}\u0000${profile}`;
}

export interface ProbeFacts {
  ok: boolean;
  reason: string;
  latencyMs?: number;
  httpStatus?: number;
  /** When it ran (epoch ms). */
  at: number;
}

export function setProbe(
  m: AiproMetrics,
  key: string,
  labels: Record<string, string>,
  p: ProbeFacts | undefined,
): void {
  if (!p) {
    for (const f of ['probeSuccess', 'probeValid', 'probeDuration', 'lastProbe', 'probeHttpStatus'] as const)
      m[f].remove(key);
    return;
  }
  m.lastProbe.set(key, labels, p.at / 1000);
  m.probeHttpStatus.set(
    key,
    labels,
    typeof p.httpStatus === 'number' && Number.isFinite(p.httpStatus) ? p.httpStatus : 0,
  );
  const verdict = p.ok || VERDICT_REASONS.has(p.reason);
  m.probeSuccess.set(key, labels, verdict ? 1 : 0);
  if (verdict) m.probeValid.set(key, labels, p.ok || !REFUSED_REASONS.has(p.reason) ? 1 : 0);
  else m.probeValid.remove(key);
  if (typeof p.latencyMs === 'number' && Number.isFinite(p.latencyMs))
    m.probeDuration.set(key, labels, p.latencyMs / 1000);
  else m.probeDuration.remove(key);
}

/**
 * Does aipro know when this credential stops working? 0 only for a token, or an OAuth
 * credential without a refresh token, that has no expiry: nothing will ever count down to an
 * alert. An API key has no expiry by design and OAuth that refreshes itself renews its own
 * expiry, so both are 1; a missing provider (`none`) has nothing to know.
 */
export function expiryKnown(o: Pick<CredentialObservation, 'type' | 'expiresAt' | 'refreshable'>): boolean {
  if (o.type !== 'token' && o.type !== 'oauth') return true;
  if (o.type === 'oauth' && o.refreshable) return true;
  return typeof o.expiresAt === 'number' && Number.isFinite(o.expiresAt) && o.expiresAt > 0;
}

/**
 * What one profile's series were last set from. Compared field by field every cycle: building
 * and comparing a string of these (~20 pieces) per profile cost more than the compare itself.
 */
export interface ProfileSig {
  provider: string;
  type: string;
  source: string;
  status: string;
  refreshable: boolean;
  expiresAt: number | undefined;
  cooling: number | undefined;
  refreshExpiresAt: number | undefined;
  nextRefreshAt: number | undefined;
  probe:
    | { ok: boolean; reason: string; latencyMs: number | undefined; httpStatus: number | undefined; at: number }
    | undefined;
}

function sameSig(s: ProfileSig, o: CredentialObservation, cooling: number | undefined): boolean {
  const p = o.probe;
  const q = s.probe;
  return (
    s.provider === o.provider &&
    s.type === o.type &&
    s.source === o.source &&
    s.status === o.status &&
    s.refreshable === Boolean(o.refreshable) &&
    Object.is(s.expiresAt, o.expiresAt) &&
    Object.is(s.cooling, cooling) &&
    Object.is(s.refreshExpiresAt, o.refreshExpiresAt) &&
    Object.is(s.nextRefreshAt, o.nextRefreshAt) &&
    (p === undefined
      ? q === undefined
      : q !== undefined &&
        q.ok === p.ok &&
        q.reason === p.reason &&
        Object.is(q.latencyMs, p.latencyMs) &&
        Object.is(q.httpStatus, p.httpStatus) &&
        Object.is(q.at, p.at))
  );
}

function sigOf(o: CredentialObservation, cooling: number | undefined): ProfileSig {
  const p = o.probe;
  return {
    provider: o.provider,
    type: o.type,
    source: o.source,
    status: o.status,
    refreshable: Boolean(o.refreshable),
    expiresAt: o.expiresAt,
    cooling,
    refreshExpiresAt: o.refreshExpiresAt,
    nextRefreshAt: o.nextRefreshAt,
    probe: p ? { ok: p.ok, reason: p.reason, latencyMs: p.latencyMs, httpStatus: p.httpStatus, at: p.at } : undefined,
  };
}

export function setCredential(m: AiproMetrics, o: CredentialObservation, now: number): string {
  const key = profileKey(o.agent, o.profile);
  const cooling = o.cooldownUntil && o.cooldownUntil > now ? o.cooldownUntil : undefined;
  const prev = m.sigs.get(key);
  if (prev && sameSig(prev, o, cooling)) return key;
  m.sigs.set(key, sigOf(o, cooling));
  const labels = { agent: o.agent, provider: o.provider, profile: profileLabel(o.profile, m.profileLabel) };
  m.profileInfo.set(key, { ...labels, type: o.type, source: o.source }, 1);
  m.profileStatus.setState(key, labels, o.status);
  // Never 0 and never a routine access-token expiry: only a real, known end of the credential.
  if (typeof o.expiresAt === 'number' && o.expiresAt > 0 && !o.refreshable)
    m.profileExpiry.set(key, labels, o.expiresAt / 1000);
  else m.profileExpiry.remove(key);
  m.profileExpiryKnown.set(key, labels, expiryKnown(o) ? 1 : 0);
  if (o.cooldownUntil && o.cooldownUntil > now) m.cooldownUntil.set(key, labels, o.cooldownUntil / 1000);
  else m.cooldownUntil.remove(key);
  if (o.type === 'oauth' && typeof o.refreshExpiresAt === 'number')
    m.refreshExpiry.set(key, labels, o.refreshExpiresAt / 1000);
  else m.refreshExpiry.remove(key);
  if (o.refreshable && typeof o.nextRefreshAt === 'number') m.nextRefresh.set(key, labels, o.nextRefreshAt / 1000);
  else m.nextRefresh.remove(key);
  setProbe(m, key, labels, o.probe);
  return key;
}
